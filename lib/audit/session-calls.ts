import { and, eq, sql } from "drizzle-orm";
import { auditEvents, type AuditDecision } from "@/db/schema";
import type { Tx } from "@/lib/db";
import { inTenant } from "@/lib/db";

export type SessionCall = { server: string; tool: string; name: string; decision: "allow" | "deny" | "require_approval"; at: Date };

/** The effect an audited decision stands for (a call that failed before any decision counts as denied). */
export const effectOfDecision: Record<AuditDecision, SessionCall["decision"]> = { allowed: "allow", denied: "deny", approval_required: "require_approval", none: "deny" };

/** One audited tools/call as conditions and reviewers see it. */
export function sessionCallOf(r: { server: string | null; tool: string | null; decision: AuditDecision; at: Date }): SessionCall {
  return { server: r.server ?? "", tool: r.tool ?? "", name: r.server ? `${r.server}__${r.tool}` : (r.tool ?? ""), decision: effectOfDecision[r.decision], at: r.at };
}

/** How many earlier calls of a session a condition or a reviewer sees. */
export const SESSION_CALLS_LIMIT = 100;

/**
 * The tool calls an agent made earlier in one MCP session, oldest first, as
 * the audit log recorded them (at most the latest 100). Conditions read them
 * as `session.calls`; reviewers see them beside a held call.
 */
export async function listSessionCalls(tenantId: string, sessionId: string, options: { tx?: Tx; before?: Date } = {}): Promise<SessionCall[]> {
  const run = async (tx: Tx) => {
    const rows = await tx
      .select({ server: auditEvents.server, tool: auditEvents.tool, decision: auditEvents.decision, at: auditEvents.occurredAt })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.sessionId, sessionId), eq(auditEvents.action, "mcp.request"), eq(auditEvents.method, "tools/call")))
      // As the index sorts (drizzle builds `.desc()` indexes NULLS LAST), so Postgres reads it in order instead of sorting the session.
      .orderBy(sql`${auditEvents.occurredAt} desc nulls last`)
      .limit(SESSION_CALLS_LIMIT);
    return rows
      .reverse()
      .filter((r) => !options.before || r.at < options.before)
      .map(sessionCallOf);
  };
  return options.tx ? run(options.tx) : inTenant(tenantId, run);
}
