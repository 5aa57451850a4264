import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { auditEvents, type AuditDecision, type AuditOutcome } from "@/db/schema";
import { newId } from "@/lib/ids";

/** One agent request through the MCP endpoint, as the audit log keeps it. */
export type AgentRequestEvent = {
  tenantId: string;
  agentId: string | null;
  agentName: string | null;
  keyPrefix: string | null;
  sessionId: string | null;
  method: string;
  server?: string | null;
  tool?: string | null;
  arguments?: unknown;
  decision: AuditDecision;
  outcome: AuditOutcome;
  error?: string | null;
  upstreamMs?: number | null;
  totalMs: number;
  clientName?: string | null;
  clientVersion?: string | null;
  jsonrpcId?: string | number | null;
  rule?: string | null;
  reason?: string | null;
  approvalId?: string | null;
};

/** Arguments larger than this are stored as a marker with their size; issue 5 brings redaction and truncation proper. */
const MAX_STORED_ARGUMENT_BYTES = 64 * 1024;

/**
 * Writes the audit event of one agent request. Awaited before the agent gets
 * its answer: a call the log does not show never happened.
 */
export async function recordAgentRequest(event: AgentRequestEvent): Promise<void> {
  const { db } = await getDatabase();
  const args = storedArguments(event.arguments);
  // One autocommit statement instead of BEGIN, scope, INSERT, COMMIT: this is on
  // every agent request's path. The scope is set in the same statement, so the
  // tenant policy checks the row and the setting ends with it.
  await db.execute(sql`
    insert into ${auditEvents} (id, tenant_id, action, agent_id, agent_name, key_prefix, session_id, method, server, tool,
      arguments, decision, outcome, error, upstream_ms, total_ms, client_name, client_version, jsonrpc_id, rule, reason, approval_id)
    select ${newId("event")}, ${event.tenantId}, 'mcp.request', ${event.agentId}, ${event.agentName}, ${event.keyPrefix},
      ${event.sessionId}, ${event.method}, ${event.server ?? null}, ${event.tool ?? null},
      ${args === null ? null : JSON.stringify(args)}::jsonb, ${event.decision}, ${event.outcome},
      ${event.error ? event.error.slice(0, 2000) : null}, ${event.upstreamMs == null ? null : Math.round(event.upstreamMs)}::int,
      ${Math.round(event.totalMs)}::int, ${event.clientName ?? null}, ${event.clientVersion ?? null},
      ${event.jsonrpcId == null ? null : String(event.jsonrpcId)}, ${event.rule ?? null}, ${event.reason ? event.reason.slice(0, 2000) : null},
      ${event.approvalId ?? null}
    from (select set_config('app.tenant_id', ${event.tenantId}, true)) as scope`);
}

function storedArguments(args: unknown): unknown {
  if (args === undefined) return null;
  const text = JSON.stringify(args);
  if (text.length <= MAX_STORED_ARGUMENT_BYTES) return args;
  return { _truncated: true, _bytes: Buffer.byteLength(text) };
}
