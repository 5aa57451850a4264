import { z } from "zod";
import { auditActorKinds, auditDecisions, auditOutcomes, auditSeverities } from "@/db/schema";
import { checkpointInput } from "@/lib/audit/checkpoints";
import { auditFilterInput, auditQueryInput } from "@/lib/audit/queries";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();

/** One audit event as readers get it: the stored record without its sealed payload. */
export const auditEventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  occurredAt: timestamp,
  action: z.string(),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  keyPrefix: z.string().nullable(),
  sessionId: z.string().nullable(),
  method: z.string().nullable(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  arguments: z.unknown(),
  decision: z.enum(auditDecisions),
  outcome: z.enum(auditOutcomes),
  error: z.string().nullable(),
  upstreamMs: z.number().int().nullable(),
  totalMs: z.number().int(),
  clientName: z.string().nullable(),
  clientVersion: z.string().nullable(),
  jsonrpcId: z.string().nullable(),
  seq: z.number().int().nullable().meta({ description: "The event's place in the tenant's hash chain" }),
  hash: z.string().nullable().meta({ description: "Its chain hash: sha256(previous hash ‖ content hash)" }),
  rule: z.string().nullable().meta({ description: "The rule that decided, `role#position`" }),
  reason: z.string().nullable().meta({ description: "Why it was decided so, in words" }),
  approvalId: z.string().nullable().meta({ description: "The approval request this event belongs to" }),
  actorId: z.string().nullable().meta({ description: "Who acted (a person, an admin token), for administrative changes, approval decisions and sign-ins" }),
  actorName: z.string().nullable(),
  actorKind: z.enum(auditActorKinds).nullable().meta({ description: "user (console), token (admin API), operator (command line) or agent" }),
  comment: z.string().nullable(),
  severity: z.enum(auditSeverities).nullable().meta({ description: "`alert` for events an operator must look at" }),
  sourceIp: z.string().nullable().meta({ description: "The client's address, as far as it is known" }),
  targetType: z.string().nullable().meta({ description: "What an administrative change changed: `server`, `role`, `member`, `settings`, …" }),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  before: z.unknown().meta({ description: "The target before the change (secrets omitted); null when created" }),
  after: z.unknown().meta({ description: "The target after the change (secrets omitted); null when deleted" }),
  result: z.unknown().meta({ description: "The result the agent got, redacted and cut to the tenant's limit" }),
  resultBytes: z.number().int().nullable().meta({ description: "The result's full size in bytes, before truncation" }),
  resultHash: z.string().nullable().meta({ description: "sha256 (hex) of the full result" }),
  resultTruncated: z.boolean().nullable().meta({ description: "Whether the stored result was cut short" }),
  redactions: z
    .array(z.object({ path: z.string(), reason: z.string() }))
    .nullable()
    .meta({ description: "What the redactor masked, where (`args.email`, `result.content[0].text`) and why (`pii:email`, `secret:jwt`, `rule:args.password`)" }),
  hasFullPayload: z.boolean().meta({ description: "Whether the tenant keeps this event's full, unredacted payload (sealed; read with audit.read_payloads)" }),
});

const auditEvent = auditEventSchema;

const statsCounts = {
  calls: z.number().int().meta({ description: "Agent requests" }),
  denials: z.number().int().meta({ description: "Of them, denied" }),
  errors: z.number().int().meta({ description: "Of them, ending in an error" }),
  p50Ms: z.number().int().nullable().meta({ description: "Median total latency (null without requests)" }),
  p95Ms: z.number().int().nullable().meta({ description: "95th percentile of total latency" }),
};

const checkpoint = z.object({
  tenantId: z.string(),
  seq: z.number().int(),
  hash: z.string(),
  createdAt: timestamp,
  keyId: z.string().meta({ description: "Which signing key (derived from the encryption key, or configured)" }),
  signature: z.string().meta({ description: "Hex HMAC-SHA256 over the canonical JSON of tenantId, seq, hash and createdAt" }),
});

export const auditOperations = {
  listAuditEvents: defineOperation({
    id: "listAuditEvents",
    method: "GET",
    path: "/tenants/{tenant}/audit-events",
    tag: "Audit",
    summary:
      "Audit events (agent requests, approval changes, administrative changes, sign-ins), newest first, filtered and searched by free text; pass `nextCursor` as `cursor` for the next page",
    auth: "tenant",
    permission: "audit.read",
    query: auditQueryInput,
    response: z.object({ events: z.array(auditEvent), nextCursor: z.string().nullable() }),
  }),
  getAuditEvent: defineOperation({
    id: "getAuditEvent",
    method: "GET",
    path: "/tenants/{tenant}/audit-events/{event}",
    tag: "Audit",
    summary: "One audit event, whole, with its place in the hash chain (\"event seq of headSeq\", its hashes, the events before and after it) and every event of its approval request",
    auth: "tenant",
    permission: "audit.read",
    response: z.object({
      event: auditEvent,
      chain: z.object({
        seq: z.number().int().nullable().meta({ description: "The event's place in the chain (null for events from before the chain)" }),
        hash: z.string().nullable(),
        prevHash: z.string().nullable().meta({ description: "The chain hash of the event before it" }),
        contentHash: z.string().nullable().meta({ description: "sha256 of the event's canonical content" }),
        headSeq: z.number().int().nullable().meta({ description: "The place of the chain's last event now" }),
        previousId: z.string().nullable(),
        nextId: z.string().nullable(),
      }),
      approvalEvents: z.array(auditEvent).meta({ description: "Every event of the same approval request, oldest first, this one included; empty without an approval" }),
    }),
  }),
  getAuditStats: defineOperation({
    id: "getAuditStats",
    method: "GET",
    path: "/tenants/{tenant}/audit-stats",
    tag: "Audit",
    summary:
      "Agent requests over time for the same filters as the search: calls, denials, errors and latency (p50, p95) per bucket. The range defaults to the last 24 hours; buckets are sized to give at most 60 (a minute for an hour, half an hour for a day, …)",
    auth: "tenant",
    permission: "audit.read",
    query: auditFilterInput,
    response: z.object({
      stats: z.object({
        from: timestamp,
        to: timestamp,
        bucket: z.object({ ms: z.number().int(), label: z.string().meta({ description: "e.g. `30 minutes`" }) }),
        buckets: z.array(z.object({ start: timestamp, ...statsCounts })),
        totals: z.object(statsCounts),
      }),
    }),
  }),
  verifyAuditChain: defineOperation({
    id: "verifyAuditChain",
    method: "POST",
    path: "/tenants/{tenant}/audit-events/verify",
    tag: "Audit",
    summary:
      "Recompute the tenant's audit hash chain and hold it against the stored signed checkpoints (and one exported earlier, if given); reports the first event where it does not hold (edited, deleted, inserted, rewritten, or a cut-off tail)",
    auth: "tenant",
    permission: "audit.read",
    body: z.object({ checkpoint: checkpointInput.optional().meta({ description: "A checkpoint exported earlier and kept outside Gatehouse" }) }).optional(),
    response: z.object({
      report: z.object({
        ok: z.boolean(),
        checked: z.number().int().meta({ description: "Events checked along the chain" }),
        verifiedThrough: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
        head: z.object({ seq: z.number().int(), hash: z.string() }).nullable().meta({ description: "Where the chain's head says it ends" }),
        brokenAt: z.object({ seq: z.number().int(), eventId: z.string().nullable(), problem: z.string() }).nullable(),
        prunedThrough: z
          .number()
          .int()
          .nullable()
          .meta({ description: "Events up to this place were deleted by retention; the chain is held from the signed checkpoint there" }),
        unchained: z.number().int().meta({ description: "Events stored after the chain began without a place in it" }),
        checkpoints: z.number().int().meta({ description: "Signed checkpoints the chain was held against" }),
      }),
    }),
  }),
  listAuditCheckpoints: defineOperation({
    id: "listAuditCheckpoints",
    method: "GET",
    path: "/tenants/{tenant}/audit-checkpoints",
    tag: "Audit",
    summary: "Signed checkpoints of the audit chain (place, hash, time, HMAC by a key outside the database), newest first: export them and keep them elsewhere",
    auth: "tenant",
    permission: "audit.read",
    response: z.object({ checkpoints: z.array(checkpoint) }),
  }),
  createAuditCheckpoint: defineOperation({
    id: "createAuditCheckpoint",
    method: "POST",
    path: "/tenants/{tenant}/audit-checkpoints",
    tag: "Audit",
    summary: "Sign a checkpoint of where the chain stands now (null when it has not moved since the last one); one is also signed every five minutes",
    auth: "tenant",
    permission: "audit.export",
    status: 201,
    response: z.object({ checkpoint: checkpoint.nullable() }),
  }),
};
