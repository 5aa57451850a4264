import { and, eq } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import { unseal } from "@/lib/secrets/seal";
import type { TenantContext } from "@/lib/tenancy/context";
import { recordAdminChange } from "./admin";

/** The full, unredacted payloads of one agent request, as the agent sent and got them. */
export type FullPayload = { arguments: unknown; result: unknown };

/**
 * What a sealed payload is bound to: its tenant and its event. A sealed value
 * copied onto another event (or another tenant's) does not open.
 */
export function payloadSealContext(tenantId: string, eventId: string): string {
  return `${tenantId}/audit/${eventId}`;
}

/**
 * The unredacted arguments and result of an event, for tenants that keep full
 * payloads; null when the event has none (the tenant did not keep them then,
 * or the event is not an agent request). Needs audit.read_payloads, and is
 * itself audited (`audit.payload_read`, naming who read which event) in the
 * same transaction: if that record cannot be written, nothing is revealed.
 */
export async function readFullPayload(ctx: TenantContext, eventId: string): Promise<FullPayload | null> {
  assertCan(ctx, "audit.read_payloads");
  return inTenant(ctx.tenant.id, async (tx) => {
    const [event] = await tx
      .select({ id: auditEvents.id, sealed: auditEvents.sealedPayload, method: auditEvents.method, tool: auditEvents.tool })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, ctx.tenant.id), eq(auditEvents.id, eventId)));
    if (!event) throw notFound(`The audit event ${eventId}`);
    if (!event.sealed) return null;
    let payload: FullPayload;
    try {
      payload = JSON.parse(unseal(event.sealed, payloadSealContext(ctx.tenant.id, event.id))) as FullPayload;
    } catch {
      throw new AppError("conflict", `The full payload of ${eventId} cannot be opened: it was sealed with another key, or altered.`);
    }
    await recordAdminChange(tx, ctx, {
      action: "audit.payload_read",
      target: { type: "audit_event", id: event.id, name: [event.method, event.tool].filter(Boolean).join(" ") || null },
    });
    return { arguments: payload.arguments ?? null, result: payload.result ?? null };
  });
}
