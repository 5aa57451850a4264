import { and, asc, count, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { approvals, approvalStatuses, approvalVotes, auditEvents, type Approval, type ApprovalVote, type AuditDecision } from "@/db/schema";
import { listSessionCalls, sessionCallOf, type SessionCall } from "@/lib/audit/session-calls";
import { inTenant, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { expireApprovals } from "./requests";

export type ApprovalView = Approval & {
  votes: Pick<ApprovalVote, "userId" | "userName" | "decision" | "comment" | "createdAt">[];
  /** Milliseconds until a pending request expires, by the database's clock; 0 once decided or expired. */
  msLeft: number;
};
export type ApprovalDetail = ApprovalView & { sessionCalls: SessionCall[] };
/** The latest calls of the agent's session before the request, and how many there were in all. */
export type RecentCalls = { calls: SessionCall[]; total: number };

export const listApprovalsInput = z.object({
  status: z
    .enum([...approvalStatuses, "decided", "all"], { error: `Status is one of: ${[...approvalStatuses, "decided", "all"].join(", ")}.` })
    .default("pending"),
  limit: z.coerce.number().int().min(1, "At least 1.").max(200, "At most 200 per page.").default(50),
  /** The id of the last request of the previous page. */
  before: z.string().trim().max(40).optional(),
  /** Also the last N calls of each request's session before it (for the inbox), read in one query. */
  recentCalls: z.coerce.number().int().min(0).max(20).default(0),
});
export type ListApprovalsInput = z.input<typeof listApprovalsInput>;

const STATUS_FILTER: Record<z.output<typeof listApprovalsInput>["status"], readonly Approval["status"][]> = {
  pending: ["pending"],
  approved: ["approved"],
  denied: ["denied"],
  expired: ["expired"],
  consumed: ["consumed"],
  decided: ["approved", "denied", "expired", "consumed"],
  all: approvalStatuses,
};

const msLeft = sql<number>`greatest(0, floor(extract(epoch from (${approvals.expiresAt} - now())) * 1000))::float8`;

/**
 * Approval requests of the tenant, newest first; pending ones by default.
 * Requests past their expiry are closed first, so the inbox never offers
 * one that can no longer be decided.
 */
export async function listApprovals(ctx: TenantContext, input: ListApprovalsInput = {}): Promise<(ApprovalView & { recent?: RecentCalls })[]> {
  assertCan(ctx, "approvals.read");
  const query = parseInput(listApprovalsInput, input);
  await expireApprovals(ctx.tenant.id);
  return inTenant(ctx.tenant.id, async (tx) => {
    const cursor = query.before
      ? (await tx.select({ createdAt: approvals.createdAt }).from(approvals).where(and(eq(approvals.tenantId, ctx.tenant.id), eq(approvals.id, query.before))))[0]
      : undefined;
    const rows = await tx
      .select({ row: approvals, msLeft })
      .from(approvals)
      .where(
        and(
          eq(approvals.tenantId, ctx.tenant.id),
          inArray(approvals.status, [...STATUS_FILTER[query.status]]),
          cursor && or(lt(approvals.createdAt, cursor.createdAt), and(eq(approvals.createdAt, cursor.createdAt), lt(approvals.id, query.before!))),
        ),
      )
      .orderBy(desc(approvals.createdAt), desc(approvals.id))
      .limit(query.limit);
    if (rows.length === 0) return [];
    const votes = await tx
      .select()
      .from(approvalVotes)
      .where(and(eq(approvalVotes.tenantId, ctx.tenant.id), inArray(approvalVotes.approvalId, rows.map((r) => r.row.id))))
      .orderBy(asc(approvalVotes.createdAt));
    const recent = query.recentCalls > 0 ? await recentCalls(tx, ctx.tenant.id, rows.map((r) => r.row.id), query.recentCalls) : undefined;
    return rows.map(({ row, msLeft }) => ({ ...view(row, msLeft, votes), ...(recent && { recent: recent.get(row.id) ?? { calls: [], total: 0 } }) }));
  });
}

/** Per request, the last `n` tools/call of its session before it was made, and their total: one query for the whole page. */
async function recentCalls(tx: Tx, tenantId: string, approvalIds: string[], n: number): Promise<Map<string, RecentCalls>> {
  const rows = (await tx.execute(sql`
    select approval_id, server, tool, decision, occurred_at, total from (
      select a.id as approval_id, e.server, e.tool, e.decision, e.occurred_at,
        row_number() over (partition by a.id order by e.occurred_at desc) as rank,
        count(*) over (partition by a.id) as total
      from ${approvals} a
      join ${auditEvents} e on e.tenant_id = a.tenant_id and e.session_id = a.session_id
      where a.tenant_id = ${tenantId} and a.id in ${sql`(${sql.join(approvalIds.map((id) => sql`${id}`), sql`, `)})`}
        and e.action = 'mcp.request' and e.method = 'tools/call' and e.occurred_at < a.created_at
    ) ranked
    where rank <= ${n}
    order by approval_id, occurred_at`)) as unknown as {
    rows: { approval_id: string; server: string | null; tool: string | null; decision: AuditDecision; occurred_at: string | Date; total: string | number }[];
  };
  const byApproval = new Map<string, RecentCalls>();
  for (const r of rows.rows) {
    const entry = byApproval.get(r.approval_id) ?? { calls: [], total: Number(r.total) };
    entry.calls.push(sessionCallOf({ server: r.server, tool: r.tool, decision: r.decision, at: new Date(r.occurred_at) }));
    byApproval.set(r.approval_id, entry);
  }
  return byApproval;
}

/** One request with its votes and the agent's earlier calls in the same session. */
export async function getApproval(ctx: TenantContext, approvalId: string): Promise<ApprovalDetail> {
  assertCan(ctx, "approvals.read");
  await expireApprovals(ctx.tenant.id);
  return inTenant(ctx.tenant.id, async (tx) => {
    const [found] = await tx
      .select({ row: approvals, msLeft })
      .from(approvals)
      .where(and(eq(approvals.tenantId, ctx.tenant.id), eq(approvals.id, approvalId)));
    if (!found) throw notFound(`The approval request ${approvalId}`);
    const votes = await tx
      .select()
      .from(approvalVotes)
      .where(and(eq(approvalVotes.tenantId, ctx.tenant.id), eq(approvalVotes.approvalId, approvalId)))
      .orderBy(asc(approvalVotes.createdAt));
    const sessionCalls = found.row.sessionId ? await listSessionCalls(ctx.tenant.id, found.row.sessionId, { tx, before: found.row.createdAt }) : [];
    return { ...view(found.row, found.msLeft, votes), sessionCalls };
  });
}

/** How many requests wait for a decision, for the console's navigation. */
export async function countPendingApprovals(ctx: TenantContext): Promise<number> {
  assertCan(ctx, "approvals.read");
  return inTenant(ctx.tenant.id, async (tx) => {
    const [row] = await tx
      .select({ n: count() })
      .from(approvals)
      .where(and(eq(approvals.tenantId, ctx.tenant.id), eq(approvals.status, "pending"), sql`${approvals.expiresAt} > now()`));
    return row?.n ?? 0;
  });
}

function view(row: Approval, left: number, votes: ApprovalVote[]): ApprovalView {
  return {
    ...row,
    votes: votes.filter((v) => v.approvalId === row.id).map(({ userId, userName, decision, comment, createdAt }) => ({ userId, userName, decision, comment, createdAt })),
    msLeft: row.status === "pending" ? Number(left) : 0,
  };
}
