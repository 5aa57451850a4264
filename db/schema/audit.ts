import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

export const auditDecisions = ["allowed", "denied", "approval_required", "none"] as const;
export type AuditDecision = (typeof auditDecisions)[number];
/** `pending`: the call was held for approval and no decision came in time. */
export const auditOutcomes = ["ok", "error", "denied", "pending"] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];
/** Who acted: a person in the console, an admin API token, an operator on the command line, or an agent. */
export const auditActorKinds = ["user", "token", "operator", "agent"] as const;
export type AuditActorKind = (typeof auditActorKinds)[number];
/** Events an operator must look at (e.g. the log was switched to fail open, or an audit write failed). */
export const auditSeverities = ["alert"] as const;
export type AuditSeverity = (typeof auditSeverities)[number];

/** What a redaction replaced: where in the payload and why (`secret:jwt`, `pii:email`, `rule:args.password`). */
export type AuditRedaction = { path: string; reason: string };

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * What happened: an agent request through the MCP endpoint (`mcp.request`), a
 * change of an approval (`approval.requested`, …), an administrative change
 * (`server.updated`, …) or a sign-in. Append-only.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    action: text().notNull(),
    agentId: text(),
    agentName: text(),
    keyPrefix: text(),
    sessionId: text(),
    method: text(),
    server: text(),
    tool: text(),
    arguments: jsonb(),
    decision: text({ enum: auditDecisions }).notNull().default("none"),
    outcome: text({ enum: auditOutcomes }).notNull(),
    error: text(),
    upstreamMs: integer(),
    totalMs: integer().notNull(),
    clientName: text(),
    clientVersion: text(),
    jsonrpcId: text(),
    /** The rule that decided, e.g. `payments#2`, and why in words. */
    rule: text(),
    reason: text(),
    /** The approval this event belongs to: the held call and every change of its request. */
    approvalId: text(),
    /** The person behind an approval decision. */
    actorId: text(),
    actorName: text(),
    comment: text(),
    /**
     * The tenant's hash chain: this event's place (1, 2, …), the sha256 of its
     * canonical content, the chain hash before it, and sha256(prev_hash ||
     * content_hash). Null only for events written before the chain existed.
     */
    seq: bigint({ mode: "number" }),
    contentHash: text(),
    prevHash: text(),
    hash: text(),
    // Columns below were added after the chain: they count in the content hash when set.
    severity: text({ enum: auditSeverities }),
    actorKind: text({ enum: auditActorKinds }),
    /** The client's address (agent requests, sign-ins), as far as it is known. */
    sourceIp: text(),
    /** What an administrative change changed: its type (`server`, `role`, …), id and name, with secrets omitted from before/after. */
    targetType: text(),
    targetId: text(),
    targetName: text(),
    before: jsonb(),
    after: jsonb(),
    /** The result the agent got, redacted and cut to the tenant's limit; its full size and sha256 are kept. */
    result: jsonb(),
    resultBytes: integer(),
    resultHash: text(),
    resultTruncated: boolean(),
    /** What the redactor masked in arguments and result, and why. */
    redactions: jsonb().$type<AuditRedaction[]>(),
    /** Unredacted arguments and result, sealed, for tenants that keep full payloads (read by auditors only). */
    sealedPayload: text(),
    /** Free text over arguments, result and the words around them. */
    search: tsvector().generatedAlwaysAs(
      sql`jsonb_to_tsvector('simple', coalesce(arguments, 'null'::jsonb), '["string", "numeric"]')
        || jsonb_to_tsvector('simple', coalesce(result, 'null'::jsonb), '["string", "numeric"]')
        || to_tsvector('simple', coalesce(tool, '') || ' ' || coalesce(error, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(comment, '') || ' ' || coalesce(target_name, ''))`,
    ),
  },
  (t) => [
    index("audit_events_tenant_time_idx").on(t.tenantId, t.occurredAt.desc(), t.id.desc()),
    index("audit_events_tenant_agent_idx").on(t.tenantId, t.agentId, t.occurredAt.desc()),
    index("audit_events_tenant_session_idx").on(t.tenantId, t.sessionId, t.occurredAt.desc()),
    index("audit_events_tenant_approval_idx").on(t.tenantId, t.approvalId),
    uniqueIndex("audit_events_tenant_seq_key").on(t.tenantId, t.seq),
    index("audit_events_search_idx").using("gin", t.search),
    index("audit_events_tenant_tool_idx").on(t.tenantId, t.tool, t.occurredAt.desc()),
    index("audit_events_tenant_actor_idx").on(t.tenantId, t.actorId, t.occurredAt.desc()),
    // Agents and people are searched by name as well as id (an OR of two index scans).
    index("audit_events_tenant_agent_name_idx").on(t.tenantId, t.agentName, t.occurredAt.desc()),
    index("audit_events_tenant_actor_name_idx").on(t.tenantId, t.actorName, t.occurredAt.desc()),
    // One kind of event newest first, and the charts of agent requests read from the index alone (decision, outcome, latency).
    index("audit_events_tenant_action_time_idx").on(t.tenantId, t.action, t.occurredAt.desc(), t.id.desc(), t.decision, t.outcome, t.totalMs),
  ],
);

/**
 * The end of each tenant's audit chain. Written only by the
 * gatehouse_audit_append() function (the app's role has no rights on it), so
 * the next event always continues from the last one, whichever process writes.
 */
export const auditChainHeads = pgTable("audit_chain_heads", {
  tenantId: text()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  seq: bigint({ mode: "number" }).notNull(),
  prevHash: text().notNull(),
  hash: text().notNull(),
});

/**
 * A signed statement of where a tenant's chain stood: its head (place and
 * hash) at a time, with an HMAC by a key kept outside the database. Exported,
 * it lets an auditor detect a chain rewritten or cut short in the database
 * itself. Append-only.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    seq: bigint({ mode: "number" }).notNull(),
    hash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    keyId: text().notNull(),
    signature: text().notNull(),
  },
  (t) => [uniqueIndex("audit_checkpoints_tenant_seq_key").on(t.tenantId, t.seq)],
);

/**
 * What retention deleted: written only by gatehouse_audit_prune() (the app's
 * role may read it, nothing more), so that a chain whose start is gone
 * verifies only where the database itself recorded deleting it, down to a
 * signed checkpoint at `throughSeq`.
 */
export const auditPrunes = pgTable(
  "audit_prunes",
  {
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    throughSeq: bigint({ mode: "number" }).notNull(),
    throughHash: text().notNull(),
    retentionDays: integer().notNull(),
    deleted: bigint({ mode: "number" }).notNull(),
    prunedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("audit_prunes_tenant_seq_key").on(t.tenantId, t.throughSeq)],
);
