import { and, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { approvals, type Approval, type ApprovalRule } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import type { ApprovalPolicy } from "@/lib/policy/decide";
import { recordApprovalChange } from "./audit";

/** The exact call an approval is for: only this call can ever use it. */
export type HeldCall = {
  tenantId: string;
  agentId: string;
  agentName: string;
  keyId: string;
  keyPrefix: string;
  keyCreatedBy: string | null;
  sessionId: string | null;
  serverId: string;
  server: string;
  tool: string;
  exposedName: string;
  toolHash: string;
  /** sha256 of the canonical JSON of the arguments as the agent sent them: only a call with exactly these arguments can use the approval. */
  argumentsHash: string;
  /**
   * The arguments as reviewers see them: redacted (secrets, PII, the tenant's
   * field rules). The originals are not stored: an approved call runs with
   * the arguments of the agent's own repeated request, which must hash to
   * `argumentsHash`.
   */
  arguments: unknown;
  clientName: string | null;
  clientVersion: string | null;
};

const sameCall = (call: HeldCall) =>
  and(
    eq(approvals.tenantId, call.tenantId),
    eq(approvals.agentId, call.agentId),
    eq(approvals.keyId, call.keyId),
    eq(approvals.serverId, call.serverId),
    eq(approvals.tool, call.tool),
    eq(approvals.toolHash, call.toolHash),
    eq(approvals.argumentsHash, call.argumentsHash),
  );

/**
 * The open approval request for this exact call, or a new one. A repeat of
 * a call that is waiting (or approved and not yet used, or denied within the
 * request's lifetime) finds the same request; a request past its expiry is
 * closed as expired first and returned as `expired`, so the agent can be told.
 */
export async function requestApproval(call: HeldCall, rule: ApprovalRule, policy: ApprovalPolicy): Promise<{ approval: Approval; created: boolean; expired: Approval[] }> {
  return inTenant(call.tenantId, async (tx) => {
    const expired = await expireWhere(tx, call.tenantId, and(sameCall(call), inArray(approvals.status, ["pending", "approved"]), lte(approvals.expiresAt, sql`now()`)));
    const [open] = await tx.select().from(approvals).where(and(sameCall(call), inArray(approvals.status, ["pending", "approved"])));
    if (open) return { approval: open, created: false, expired };
    // A denial stands for as long as the request would have been open: the agent
    // that missed it learns it on its retry, and reviewers are not asked again.
    const [denied] = await tx
      .select()
      .from(approvals)
      .where(and(sameCall(call), eq(approvals.status, "denied"), gt(approvals.expiresAt, sql`now()`)))
      .orderBy(desc(approvals.decidedAt))
      .limit(1);
    if (denied) return { approval: denied, created: false, expired };
    const [created] = await tx
      .insert(approvals)
      .values({
        id: newId("approval"),
        ...call,
        arguments: call.arguments ?? {},
        rule,
        approverRole: policy.approverRole,
        approvalsRequired: policy.approvalsRequired,
        expiresAt: sql`now() + make_interval(secs => ${policy.ttlSeconds})`,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) {
      // The same call, made at the same moment through another connection, opened it first.
      const [raced] = await tx.select().from(approvals).where(and(sameCall(call), inArray(approvals.status, ["pending", "approved"])));
      return { approval: raced!, created: false, expired };
    }
    await recordApprovalChange(tx, created, "approval.requested");
    await publish(tx, { kind: "approval", tenantId: call.tenantId, approvalId: created.id, status: created.status });
    return { approval: created, created: true, expired };
  });
}

/**
 * Uses an approved request for the call it approved: exactly once, and only
 * while the tool is still the one the reviewer saw. Null when it is not
 * (or no longer) approved, has expired, or the tool's definition changed.
 */
export async function consumeApproval(tenantId: string, approvalId: string, toolHash: string): Promise<Approval | null> {
  return inTenant(tenantId, async (tx) => {
    const [used] = await tx
      .update(approvals)
      .set({ status: "consumed", consumedAt: sql`now()` })
      .where(
        and(
          eq(approvals.tenantId, tenantId),
          eq(approvals.id, approvalId),
          eq(approvals.status, "approved"),
          eq(approvals.toolHash, toolHash),
          gt(approvals.expiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!used) return null;
    await recordApprovalChange(tx, used, "approval.consumed");
    await publish(tx, { kind: "approval", tenantId, approvalId, status: used.status });
    return used;
  });
}

export async function findApproval(tenantId: string, approvalId: string): Promise<Approval | undefined> {
  return inTenant(tenantId, async (tx) => {
    const [row] = await tx.select().from(approvals).where(and(eq(approvals.tenantId, tenantId), eq(approvals.id, approvalId)));
    return row;
  });
}

/** Closes open requests past their expiry in one tenant (all of them, or those `where` picks), each with its audit event. */
export async function expireApprovals(tenantId: string): Promise<Approval[]> {
  return inTenant(tenantId, (tx) =>
    expireWhere(tx, tenantId, and(eq(approvals.tenantId, tenantId), inArray(approvals.status, ["pending", "approved"]), lte(approvals.expiresAt, sql`now()`))),
  );
}

async function expireWhere(tx: Tx, tenantId: string, where: ReturnType<typeof and>): Promise<Approval[]> {
  const expired = await tx.update(approvals).set({ status: "expired" }).where(where).returning();
  for (const approval of expired) {
    await recordApprovalChange(tx, approval, "approval.expired", { reason: "no decision before the request expired" });
    await publish(tx, { kind: "approval", tenantId, approvalId: approval.id, status: approval.status });
  }
  return expired;
}
