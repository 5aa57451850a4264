import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { auditEvents, type AuditDecision, type AuditOutcome } from "@/db/schema";
import { canonicalHash } from "@/lib/canonical-json";
import { newId } from "@/lib/ids";

/** Everything an audit event records, as stored; what its content hash covers. */
export type AuditRecord = {
  id: string;
  tenantId: string;
  occurredAt: Date;
  action: string;
  agentId: string | null;
  agentName: string | null;
  keyPrefix: string | null;
  sessionId: string | null;
  method: string | null;
  server: string | null;
  tool: string | null;
  arguments: unknown;
  decision: AuditDecision;
  outcome: AuditOutcome;
  error: string | null;
  upstreamMs: number | null;
  totalMs: number;
  clientName: string | null;
  clientVersion: string | null;
  jsonrpcId: string | null;
  rule: string | null;
  reason: string | null;
  approvalId: string | null;
  actorId: string | null;
  actorName: string | null;
  comment: string | null;
};

type Required_ = "tenantId" | "action" | "decision" | "outcome" | "totalMs";

/** A new event: a fresh id and time, and null for everything the caller does not say. */
export function auditRecord(fields: Pick<AuditRecord, Required_> & Partial<Omit<AuditRecord, Required_>>): AuditRecord {
  return {
    id: newId("event"),
    occurredAt: new Date(),
    agentId: null,
    agentName: null,
    keyPrefix: null,
    sessionId: null,
    method: null,
    server: null,
    tool: null,
    arguments: null,
    error: null,
    upstreamMs: null,
    clientName: null,
    clientVersion: null,
    jsonrpcId: null,
    rule: null,
    reason: null,
    approvalId: null,
    actorId: null,
    actorName: null,
    comment: null,
    ...fields,
  };
}

/**
 * The sha256 of an event's canonical content (sorted keys, the time in ISO
 * form). Computed here when the event is written and again by verification
 * from the stored row, so the two must see the same values: arguments are
 * normalized as JSON, as the jsonb column will give them back.
 */
export function contentHashOf(record: AuditRecord): string {
  return canonicalHash({
    ...record,
    occurredAt: record.occurredAt.toISOString(),
    arguments: record.arguments === undefined || record.arguments === null ? null : JSON.parse(JSON.stringify(record.arguments)),
  });
}

/** The chain hash of an event: sha256 of the hash before it followed by its content hash (hex text). */
export function chainHash(prevHash: string, contentHash: string): string {
  return createHash("sha256").update(prevHash + contentHash).digest("hex");
}

/** Where a tenant's chain starts: a hash of its id, so chains cannot be spliced across tenants. */
export function genesisHash(tenantId: string): string {
  return createHash("sha256").update(`gatehouse-audit:${tenantId}`).digest("hex");
}

type Executor = { execute(query: ReturnType<typeof sql>): Promise<unknown> };

/**
 * Appends one event to its tenant's chain in a single statement: the chain's
 * head moves (gatehouse_audit_append, which queues concurrent writers on the
 * head row) and the event is inserted with its place and hashes, or neither
 * happens. Runs on its own (autocommit) or inside a caller's transaction.
 * Throws if the event was not written: a call the log does not show never
 * happened.
 */
export async function appendAuditEvent(executor: Executor, record: AuditRecord): Promise<void> {
  const contentHash = contentHashOf(record);
  const r = record;
  // The scope is set in the same statement, before the append reads it: the
  // function only continues the chain of the tenant in scope.
  const result = (await executor.execute(sql`
    insert into ${auditEvents} (id, tenant_id, occurred_at, action, agent_id, agent_name, key_prefix, session_id, method, server, tool,
      arguments, decision, outcome, error, upstream_ms, total_ms, client_name, client_version, jsonrpc_id, rule, reason, approval_id,
      actor_id, actor_name, comment, seq, content_hash, prev_hash, hash)
    select ${r.id}, ${r.tenantId}, ${r.occurredAt.toISOString()}::timestamptz, ${r.action}, ${r.agentId}, ${r.agentName}, ${r.keyPrefix},
      ${r.sessionId}, ${r.method}, ${r.server}, ${r.tool}, ${r.arguments == null ? null : JSON.stringify(r.arguments)}::jsonb, ${r.decision},
      ${r.outcome}, ${r.error}, ${r.upstreamMs}::int, ${r.totalMs}::int, ${r.clientName}, ${r.clientVersion}, ${r.jsonrpcId}, ${r.rule},
      ${r.reason}, ${r.approvalId}, ${r.actorId}, ${r.actorName}, ${r.comment}, chain.seq, ${contentHash}, chain.prev_hash, chain.hash
    from (select set_config('app.tenant_id', ${r.tenantId}, true) as tenant) as scope
    cross join lateral gatehouse_audit_append(scope.tenant, ${contentHash}) as chain`)) as { rowCount?: number | null; affectedRows?: number };
  const written = result.rowCount ?? result.affectedRows;
  if (written !== 1) throw new Error(`the audit event ${r.id} was not written (tenant scope mismatch)`);
}
