import { eq } from "drizzle-orm";
import { tenants, type Approval } from "@/db/schema";
import { appendAuditEvent, auditRecord } from "@/lib/audit/chain";
import { compileRedactor } from "@/lib/audit/redact";
import type { Tx } from "@/lib/db";
import { enqueueWebhook, type WebhookEventType } from "@/lib/webhooks/enqueue";
import type { ApprovalAction } from "./actions";


type Actor = { id: string; name: string };

/**
 * Records one change of an approval request, in the transaction that makes
 * it: the audit event, linked to the call by the approval id, and the
 * webhook delivery for the changes a tenant's systems care about. The
 * event carries the held arguments redacted, with what was masked and why.
 */
export async function recordApprovalChange(tx: Tx, approval: Approval, action: ApprovalAction, extra: { actor?: Actor; comment?: string | null; reason?: string } = {}): Promise<void> {
  const redacted = await redactHeldArguments(tx, approval);
  await appendAuditEvent(
    tx,
    auditRecord({
      tenantId: approval.tenantId,
      action,
      agentId: approval.agentId,
      agentName: approval.agentName,
      keyPrefix: approval.keyPrefix,
      sessionId: approval.sessionId,
      method: "tools/call",
      server: approval.server,
      tool: approval.tool,
      arguments: redacted.value,
      redactions: redacted.redactions.length ? redacted.redactions : null,
      decision: action === "approval.denied" ? "denied" : action === "approval.approved" || action === "approval.consumed" ? "allowed" : "approval_required",
      outcome: "ok",
      totalMs: 0,
      clientName: approval.clientName,
      clientVersion: approval.clientVersion,
      rule: `${approval.rule.role}#${approval.rule.position}`,
      reason: extra.reason ?? approval.rule.reason,
      approvalId: approval.id,
      actorId: extra.actor?.id ?? null,
      actorName: extra.actor?.name ?? null,
      comment: extra.comment || null,
    }),
  );
  const type = WEBHOOK_OF[action];
  if (type) await enqueueWebhook(tx, approval.tenantId, { type, data: webhookData(approval, extra) });
}

/**
 * The held arguments as the log keeps them. They are stored redacted already
 * (lib/gateway/approval-gate.ts); redacting again with the tenant's current
 * rules lists the markers they carry and masks anything stored before
 * redaction existed. Approval changes are rare: one small read is fine here.
 */
async function redactHeldArguments(tx: Tx, approval: Approval) {
  const [tenant] = await tx.select({ redaction: tenants.auditRedaction }).from(tenants).where(eq(tenants.id, approval.tenantId));
  return compileRedactor(tenant?.redaction).redact("args", approval.arguments);
}

const WEBHOOK_OF: Partial<Record<ApprovalAction, WebhookEventType>> = {
  "approval.requested": "approval.requested",
  "approval.approved": "approval.approved",
  "approval.denied": "approval.denied",
  "approval.expired": "approval.expired",
};

/** What a webhook receiver learns: enough to notify people, never the arguments (they may hold secrets). */
function webhookData(approval: Approval, extra: { actor?: Actor; comment?: string | null }): Record<string, unknown> {
  return {
    approvalId: approval.id,
    status: approval.status,
    agent: { id: approval.agentId, name: approval.agentName },
    server: approval.server,
    tool: approval.tool,
    rule: approval.rule,
    approvalsRequired: approval.approvalsRequired,
    approverRole: approval.approverRole,
    expiresAt: approval.expiresAt.toISOString(),
    ...(extra.actor && { decidedBy: extra.actor.name }),
    ...(extra.comment && { comment: extra.comment }),
  };
}
