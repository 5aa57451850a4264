import { eq } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "@/db/schema";
import type { Tx } from "@/lib/db";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";

export const webhookEventTypes = ["approval.requested", "approval.approved", "approval.denied", "approval.expired", "webhook.test"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export type WebhookEvent = { type: WebhookEventType; data: Record<string, unknown> };

/**
 * Queues `event` for the tenant's webhook, in the transaction of the change it
 * reports: it is sent if and only if the change commits. Nothing when the
 * tenant has no enabled webhook. Sending happens elsewhere and never blocks.
 * `tx` must come from `transaction()` / `inTenant()` (lib/db.ts).
 */
export async function enqueueWebhook(tx: Tx, tenantId: string, event: WebhookEvent): Promise<void> {
  await queueDelivery(tx, tenantId, event);
}

/** `enqueueWebhook`, returning the id of the delivery it queued (null when the tenant has no enabled webhook). */
export async function queueDelivery(tx: Tx, tenantId: string, event: WebhookEvent): Promise<string | null> {
  const [hook] = await tx
    .select({ enabled: webhooks.enabled })
    .from(webhooks)
    .where(eq(webhooks.tenantId, tenantId));
  if (!hook?.enabled) return null;
  const id = newId("delivery");
  await tx.insert(webhookDeliveries).values({
    id,
    tenantId,
    event: event.type,
    payload: { id, type: event.type, tenantId, createdAt: new Date().toISOString(), data: event.data },
  });
  // Wakes the delivery worker of every process once this commits; whichever claims it first sends it.
  await publish(tx, { kind: "webhook", tenantId });
  return id;
}
