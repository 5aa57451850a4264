import { and, desc, eq } from "drizzle-orm";
import { webhookDeliveries, type DeliveryStatus } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { listDeliveriesInput, type ListDeliveriesInput } from "./schemas";

/** One queued event and how sending it went; the payload itself stays out of listings. */
export type WebhookDeliveryView = {
  id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: Date;
  deliveredAt: Date | null;
};

const columns = {
  id: webhookDeliveries.id,
  event: webhookDeliveries.event,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastError: webhookDeliveries.lastError,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  createdAt: webhookDeliveries.createdAt,
  deliveredAt: webhookDeliveries.deliveredAt,
};

const toView = (row: WebhookDeliveryView): WebhookDeliveryView => ({ ...row, nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null });

/** The tenant's most recent deliveries, newest first. */
export async function listWebhookDeliveries(ctx: TenantContext, input: ListDeliveriesInput = {}): Promise<WebhookDeliveryView[]> {
  assertCan(ctx, "tenant.read");
  const { limit } = parseInput(listDeliveriesInput, input);
  const rows = await inTenant(ctx.tenant.id, (tx) =>
    tx
      .select(columns)
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.tenantId, ctx.tenant.id))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(limit),
  );
  return rows.map(toView);
}

export async function getDeliveryIn(tx: Tx, tenantId: string, id: string): Promise<WebhookDeliveryView> {
  const [row] = await tx
    .select(columns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)));
  if (!row) throw notFound("The delivery");
  return toView(row);
}

/**
 * Deliveries not yet sent will not be: the webhook they were for is disabled
 * or gone. Failing them keeps them off the worker's due list. Returns how many.
 */
export async function abandonPending(tx: Tx, tenantId: string, reason: string): Promise<number> {
  const rows = await tx
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: reason })
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
