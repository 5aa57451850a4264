import { getDatabase } from "@/db/client";
import type { AuditDecision, AuditOutcome } from "@/db/schema";
import { appendAuditEvent, auditRecord } from "./chain";

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
  // One autocommit statement (see appendAuditEvent): this is on every agent request's path.
  await appendAuditEvent(
    db,
    auditRecord({
      tenantId: event.tenantId,
      action: "mcp.request",
      agentId: event.agentId,
      agentName: event.agentName,
      keyPrefix: event.keyPrefix,
      sessionId: event.sessionId,
      method: event.method,
      server: event.server ?? null,
      tool: event.tool ?? null,
      arguments: storedArguments(event.arguments),
      decision: event.decision,
      outcome: event.outcome,
      error: event.error ? event.error.slice(0, 2000) : null,
      upstreamMs: event.upstreamMs == null ? null : Math.round(event.upstreamMs),
      totalMs: Math.round(event.totalMs),
      clientName: event.clientName ?? null,
      clientVersion: event.clientVersion ?? null,
      jsonrpcId: event.jsonrpcId == null ? null : String(event.jsonrpcId),
      rule: event.rule ?? null,
      reason: event.reason ? event.reason.slice(0, 2000) : null,
      approvalId: event.approvalId ?? null,
    }),
  );
}

function storedArguments(args: unknown): unknown {
  if (args === undefined) return null;
  const text = JSON.stringify(args);
  if (text.length <= MAX_STORED_ARGUMENT_BYTES) return args;
  return { _truncated: true, _bytes: Buffer.byteLength(text) };
}
