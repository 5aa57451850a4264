import { z } from "zod";
import { auditDecisions, auditOutcomes } from "@/db/schema";
import { checkpointInput } from "@/lib/audit/checkpoints";
import { auditQueryInput } from "@/lib/audit/queries";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();

const auditEvent = z.object({
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
  actorId: z.string().nullable().meta({ description: "The person behind an approval decision" }),
  actorName: z.string().nullable(),
  comment: z.string().nullable(),
});

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
    summary: "Agent requests, newest first, filtered; pass `nextCursor` as `cursor` for the next page",
    auth: "tenant",
    permission: "audit.read",
    query: auditQueryInput,
    response: z.object({ events: z.array(auditEvent), nextCursor: z.string().nullable() }),
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
