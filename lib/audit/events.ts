import { createHash } from "node:crypto";
import { getDatabase } from "@/db/client";
import type { AuditDecision, AuditOutcome, AuditRedaction, AuditRedactionSettings } from "@/db/schema";
import { canonicalJson } from "@/lib/canonical-json";
import { newId } from "@/lib/ids";
import { seal } from "@/lib/secrets/seal";
import { appendAuditEvent, auditRecord } from "./chain";
import { payloadSealContext } from "./payloads";
import { compileRedactor, cutText, DEFAULT_REDACTION, type PayloadRoot, type Redactor } from "./redact";

/**
 * How a tenant's agent requests are recorded: its redactor (compiled once,
 * with the tenant's snapshot), the stored result's size limit, whether full
 * payloads are kept sealed, and whether a failed audit write fails the call.
 */
export type AuditRecording = { redactor: Redactor; resultMaxBytes: number; fullPayloads: boolean; failOpen: boolean };

export type AuditRecordingSettings = {
  auditRedaction: AuditRedactionSettings;
  auditResultMaxBytes: number;
  auditFullPayloads: boolean;
  auditFailOpen: boolean;
};

export function auditRecordingOf(settings: AuditRecordingSettings): AuditRecording {
  return {
    redactor: compileRedactor(settings.auditRedaction),
    resultMaxBytes: settings.auditResultMaxBytes,
    fullPayloads: settings.auditFullPayloads,
    failOpen: settings.auditFailOpen,
  };
}

/** The columns' defaults (db/schema/tenancy.ts), for events recorded without a tenant's snapshot. */
export const DEFAULT_RECORDING: AuditRecording = {
  redactor: compileRedactor(DEFAULT_REDACTION),
  resultMaxBytes: 16_384,
  fullPayloads: false,
  failOpen: false,
};

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
  /** What the agent got back (tools/call, resources/read, prompts/get), unredacted: it is redacted and cut here. */
  result?: unknown;
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
  sourceIp?: string | null;
  /** The tenant's recording settings, from its snapshot; the defaults when absent. */
  recording?: AuditRecording;
};

/** Arguments larger than this (as JSON, after redaction) are stored as a marker with a preview, their size and hash. */
export const MAX_STORED_ARGUMENT_BYTES = 64 * 1024;
/** How far past the limit the redactor looks before it stops: the stored preview needs no more. */
const BUDGET_SLACK = 4096;

/**
 * Writes the audit event of one agent request. Awaited before the agent gets
 * its answer: a call the log does not show never happened. Throws if the
 * event was not written; the caller decides (fail closed, or fail open with
 * an alert, see noteFailedAuditWrite).
 */
export async function recordAgentRequest(event: AgentRequestEvent): Promise<void> {
  const recording = event.recording ?? DEFAULT_RECORDING;
  const id = newId("event");
  const stored = storedPayloads({ arguments: event.arguments, result: event.result }, recording);
  const { db } = await getDatabase();
  // One autocommit statement (see appendAuditEvent): this is on every agent request's path.
  await appendAuditEvent(
    db,
    auditRecord({
      id,
      tenantId: event.tenantId,
      action: "mcp.request",
      actorKind: "agent",
      agentId: event.agentId,
      agentName: event.agentName,
      keyPrefix: event.keyPrefix,
      sessionId: event.sessionId,
      method: event.method,
      server: event.server ?? null,
      // A resource's URI (and an unknown tool's name) is the agent's text too: it may carry a password.
      tool: event.tool ? recording.redactor.redactText(event.tool) : null,
      arguments: stored.arguments,
      result: stored.result,
      resultBytes: stored.resultBytes,
      resultHash: stored.resultHash,
      resultTruncated: stored.resultTruncated,
      redactions: stored.redactions,
      sealedPayload: recording.fullPayloads ? sealPayload(event, id) : null,
      decision: event.decision,
      outcome: event.outcome,
      // Upstream errors may quote what they were sent.
      error: event.error ? recording.redactor.redactText(event.error.slice(0, 2000)) : null,
      upstreamMs: event.upstreamMs == null ? null : Math.round(event.upstreamMs),
      totalMs: Math.round(event.totalMs),
      clientName: event.clientName ?? null,
      clientVersion: event.clientVersion ?? null,
      jsonrpcId: event.jsonrpcId == null ? null : String(event.jsonrpcId),
      rule: event.rule ?? null,
      reason: event.reason ? recording.redactor.redactText(event.reason.slice(0, 2000)) : null,
      approvalId: event.approvalId ?? null,
      sourceIp: event.sourceIp || null,
    }),
  );
  if (failedWrites().has(event.tenantId)) await reportFailedWrites(event.tenantId);
}

export type StoredPayloads = {
  arguments: unknown;
  result: unknown;
  /** Size of the full result's JSON, before redaction and cutting. */
  resultBytes: number | null;
  /** sha256 (hex) of the full result's canonical JSON. */
  resultHash: string | null;
  resultTruncated: boolean | null;
  redactions: AuditRedaction[] | null;
};

/**
 * What an event stores of a request's payloads: both redacted; each cut to
 * its limit (measured on its JSON after redaction) into a marker object that
 * is still JSON: `{ _truncated: true, _bytes, _sha256, _preview }`, the
 * preview being the start of the redacted JSON text.
 */
export function storedPayloads(payloads: { arguments?: unknown; result?: unknown }, recording: AuditRecording): StoredPayloads {
  const redactions: AuditRedaction[] = [];
  let args: unknown = null;
  if (payloads.arguments !== undefined) {
    const full = canonicalJson(payloads.arguments);
    args = fitted("args", payloads.arguments, full, MAX_STORED_ARGUMENT_BYTES, recording.redactor, redactions).value;
  }
  let result: unknown = null;
  let resultBytes: number | null = null;
  let resultHash: string | null = null;
  let resultTruncated: boolean | null = null;
  if (payloads.result !== undefined) {
    const full = canonicalJson(payloads.result);
    const fit = fitted("result", payloads.result, full, recording.resultMaxBytes, recording.redactor, redactions);
    result = fit.value;
    resultBytes = Buffer.byteLength(full);
    resultHash = sha256(full);
    resultTruncated = fit.truncated;
  }
  return { arguments: args, result, resultBytes, resultHash, resultTruncated, redactions: redactions.length ? redactions : null };
}

function fitted(root: PayloadRoot, value: unknown, full: string, maxBytes: number, redactor: Redactor, redactions: AuditRedaction[]): { value: unknown; truncated: boolean } {
  const outcome = redactor.redact(root, value, { budget: maxBytes + BUDGET_SLACK });
  redactions.push(...outcome.redactions);
  const text = JSON.stringify(outcome.value) ?? "null";
  if (!outcome.cut && Buffer.byteLength(text) <= maxBytes) return { value: outcome.value, truncated: false };
  return { value: truncationMarker(text, Buffer.byteLength(full), sha256(full), maxBytes), truncated: true };
}

/** A marker whose JSON fits in `maxBytes`: the preview is shortened in proportion to its escaped size until it does. */
function truncationMarker(text: string, bytes: number, hash: string, maxBytes: number): Record<string, unknown> {
  const shell = { _truncated: true, _bytes: bytes, _sha256: hash, _preview: "" };
  // The shell's JSON already counts the preview's two quotes.
  const room = maxBytes - Buffer.byteLength(JSON.stringify(shell)) + 2;
  let length = Math.min(text.length, Math.max(0, room));
  for (let attempt = 0; attempt < 30 && length > 0; attempt++) {
    const preview = cutText(text, length);
    const size = Buffer.byteLength(JSON.stringify(preview));
    if (size <= room) return { ...shell, _preview: preview };
    length = Math.floor(length * (room / size)) - 1;
  }
  return shell;
}

function sealPayload(event: AgentRequestEvent, eventId: string): string | null {
  if (event.arguments === undefined && event.result === undefined) return null;
  return seal(JSON.stringify({ arguments: event.arguments ?? null, result: event.result ?? null }), payloadSealContext(event.tenantId, eventId));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// ---------------------------------------------------------------------------
// Failed writes of fail-open tenants: remembered here, reported as an alert
// event once the tenant's log takes writes again.

type FailedWrites = { count: number; first: Date; last: Date; lastError: string };
type FailedState = { byTenant: Map<string, FailedWrites>; reporting: Set<string> };
/** At most this many tenants' failures are remembered (the oldest is forgotten first). */
const MAX_TENANTS_REMEMBERED = 1000;

function failedState(): FailedState {
  return ((globalThis as typeof globalThis & { __gatehouseFailedAuditWrites?: FailedState }).__gatehouseFailedAuditWrites ??= {
    byTenant: new Map(),
    reporting: new Set(),
  });
}
const failedWrites = () => failedState().byTenant;

/**
 * Remembers that an agent request of a fail-open tenant was answered without
 * its audit event. The next event the tenant's log takes is followed by an
 * `audit.write_failed` alert counting them.
 */
export function noteFailedAuditWrite(tenantId: string, error: string): void {
  const map = failedWrites();
  const now = new Date();
  const seen = map.get(tenantId);
  if (seen) {
    seen.count += 1;
    seen.last = now;
    seen.lastError = error;
    return;
  }
  if (map.size >= MAX_TENANTS_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(tenantId, { count: 1, first: now, last: now, lastError: error });
}

/** Writes the alert of a tenant's failed writes; kept for the next try if this one fails too. */
async function reportFailedWrites(tenantId: string): Promise<void> {
  const { byTenant, reporting } = failedState();
  const failed = byTenant.get(tenantId);
  if (!failed || reporting.has(tenantId)) return;
  reporting.add(tenantId);
  byTenant.delete(tenantId);
  try {
    const { db } = await getDatabase();
    await appendAuditEvent(
      db,
      auditRecord({
        tenantId,
        action: "audit.write_failed",
        severity: "alert",
        decision: "none",
        outcome: "error",
        totalMs: 0,
        error: failed.lastError,
        reason:
          `${failed.count} agent request${failed.count === 1 ? " was" : "s were"} answered without an audit event ` +
          `between ${failed.first.toISOString()} and ${failed.last.toISOString()} (the tenant's audit log fails open)`,
      }),
    );
  } catch {
    const again = byTenant.get(tenantId);
    byTenant.set(tenantId, again ? { ...again, count: again.count + failed.count, first: failed.first } : failed);
  } finally {
    reporting.delete(tenantId);
  }
}

/**
 * What may be said about a failed audit write, in the server log and in an
 * alert: the database's error code and message only. Never the error's own
 * message, which for a failed query lists its parameters (the payload).
 */
export function auditFailureText(e: unknown): string {
  for (let cause: unknown = e, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    const message = (cause as { message?: unknown }).message;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof message === "string") {
      return `database error ${code}: ${message.split("\n")[0]!.slice(0, 300)}`;
    }
  }
  return `${e instanceof Error ? e.name : "error"} while writing the audit event`;
}
