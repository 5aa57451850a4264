import { eq } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "@/db/schema";
import type { Tx } from "@/lib/db";
import { newId } from "@/lib/ids";

export const webhookEventTypes = ["approval.requested", "approval.approved", "approval.denied", "approval.expired"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export type WebhookEvent = { type: WebhookEventType; data: Record<string, unknown> };

/**
 * Queues `event` for the tenant's webhook, in the transaction of the change it
 * reports: it is sent if and only if the change commits. Nothing when the
 * tenant has no enabled webhook. Sending happens elsewhere and never blocks.
 */
export async function enqueueWebhook(tx: Tx, tenantId: string, event: WebhookEvent): Promise<void> {
  const [hook] = await tx.select({ enabled: webhooks.enabled }).from(webhooks).where(eq(webhooks.tenantId, tenantId));
  if (!hook?.enabled) return;
  const id = newId("delivery");
  await tx.insert(webhookDeliveries).values({
    id,
    tenantId,
    event: event.type,
    payload: { id, type: event.type, tenantId, createdAt: new Date().toISOString(), data: event.data },
  });
}
