import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import {
  auditEvents,
  type AuditActorKind,
  type AuditDecision,
  type AuditOutcome,
  type AuditRedaction,
  type AuditSeverity,
} from "@/db/schema";
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
} & LaterFields;

/**
 * Fields added after the chain began. The content hash covers each of them
 * when it is set, so events written before they existed verify unchanged.
 */
type LaterFields = {
  severity: AuditSeverity | null;
  actorKind: AuditActorKind | null;
  sourceIp: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  result: unknown;
  resultBytes: number | null;
  resultHash: string | null;
  resultTruncated: boolean | null;
  redactions: AuditRedaction[] | null;
  sealedPayload: string | null;
};

const LATER_FIELDS = [
  "severity",
  "actorKind",
  "sourceIp",
  "targetType",
  "targetId",
  "targetName",
  "before",
  "after",
  "result",
  "resultBytes",
  "resultHash",
  "resultTruncated",
  "redactions",
  "sealedPayload",
] as const satisfies readonly (keyof LaterFields)[];

type Required_ = "tenantId" | "action" | "decision" | "outcome" | "totalMs";

/** A new event: a fresh id and time, and null for everything the caller does not say. */
export function auditRecord(fields: Pick<AuditRecord, Required_> & Partial<Omit<AuditRecord, Required_>>): AuditRecord {
  return { id: newId("event"), occurredAt: new Date(), ...auditRecordDefaults(), ...fields };
}

/**
 * The sha256 of an event's canonical content (sorted keys, the time in ISO
 * form). Computed here when the event is written and again by verification
 * from the stored row, so the two must see the same values: arguments are
 * normalized as JSON, as the jsonb column will give them back.
 */
export function contentHashOf(record: AuditRecord): string {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!HASHED.has(key)) continue;
    if ((LATER_FIELDS as readonly string[]).includes(key) && (value === null || value === undefined)) continue;
    content[key] = value === undefined ? null : value;
  }
  content.occurredAt = record.occurredAt.toISOString();
  for (const key of ["arguments", "before", "after", "result", "redactions"]) {
    if (content[key] !== undefined && content[key] !== null) content[key] = asJson(content[key]);
  }
  return canonicalHash(content);
}

/** A value as the jsonb column gives it back. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The fields an event's content hash covers: those of AuditRecord (a stored row also has its chain columns and search text). */
const HASHED = new Set<string>([
  ...Object.keys(auditRecordDefaults()),
  "id",
  "tenantId",
  "occurredAt",
  "action",
  "decision",
  "outcome",
  "totalMs",
]);

function auditRecordDefaults(): Omit<AuditRecord, Required_ | "id" | "occurredAt"> {
  return {
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
    ...(Object.fromEntries(LATER_FIELDS.map((f) => [f, null])) as LaterFields),
  };
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
 * Appends one event to its tenant's chain in a single statement: inserting
 * it fires the database trigger that takes the next place from the chain's
 * head (which queues concurrent writers) and sets its hashes, so the event
 * and the head's move commit together or not at all. Runs on its own
 * (autocommit) or inside a caller's transaction. Text is stored well formed
 * (see wellFormed), and hashed as stored. Throws if the event was not
 * written: a call the log does not show never happened.
 */
export async function appendAuditEvent(executor: Executor, record: AuditRecord): Promise<void> {
  const r = wellFormed(record) as AuditRecord;
  const contentHash = contentHashOf(r);
  // The scope is set in the same statement, before the trigger reads it: only the tenant in scope is continued.
  const result = (await executor.execute(sql`
    insert into ${auditEvents} (id, tenant_id, occurred_at, action, agent_id, agent_name, key_prefix, session_id, method, server, tool,
      arguments, decision, outcome, error, upstream_ms, total_ms, client_name, client_version, jsonrpc_id, rule, reason, approval_id,
      actor_id, actor_name, comment, severity, actor_kind, source_ip, target_type, target_id, target_name, before, after,
      result, result_bytes, result_hash, result_truncated, redactions, sealed_payload, content_hash)
    select ${r.id}, ${r.tenantId}, ${r.occurredAt.toISOString()}::timestamptz, ${r.action}, ${r.agentId}, ${r.agentName}, ${r.keyPrefix},
      ${r.sessionId}, ${r.method}, ${r.server}, ${r.tool}, ${jsonb(r.arguments)}::jsonb, ${r.decision},
      ${r.outcome}, ${r.error}, ${r.upstreamMs}::int, ${r.totalMs}::int, ${r.clientName}, ${r.clientVersion}, ${r.jsonrpcId}, ${r.rule},
      ${r.reason}, ${r.approvalId}, ${r.actorId}, ${r.actorName}, ${r.comment}, ${r.severity}, ${r.actorKind}, ${r.sourceIp},
      ${r.targetType}, ${r.targetId}, ${r.targetName}, ${jsonb(r.before)}::jsonb, ${jsonb(r.after)}::jsonb, ${jsonb(r.result)}::jsonb,
      ${r.resultBytes}::int, ${r.resultHash}, ${r.resultTruncated}::boolean, ${jsonb(r.redactions)}::jsonb, ${r.sealedPayload}, ${contentHash}
    from (select set_config('app.tenant_id', ${r.tenantId}, true) as tenant) as scope`)) as { rowCount?: number | null; affectedRows?: number };
  const written = result.rowCount ?? result.affectedRows;
  if (written !== 1) throw new Error(`the audit event ${r.id} was not written`);
}

/**
 * A value with every string (object keys too, at any depth) made storable:
 * lone UTF-16 surrogates and NUL characters, which Postgres refuses in text
 * and jsonb (or the driver silently replaces), become U+FFFD. What an agent
 * sends can then neither fail its audit write nor make the stored event
 * differ from what was hashed.
 */
export function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, v] of Object.entries(value)) out[storableText(key)] = wellFormed(v);
    return out;
  }
  return value;
}

function storableText(text: string): string {
  const clean = text.isWellFormed() ? text : text.toWellFormed();
  return clean.includes("\0") ? clean.replaceAll("\0", "\uFFFD") : clean;
}

function jsonb(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
