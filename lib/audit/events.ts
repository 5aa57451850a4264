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

/**
 * How much of each free text an event keeps: cut before it is redacted, so
 * the redactor's work stays bounded whatever an agent sends (a 100 KB tool
 * name, a client name, a JSON-RPC id).
 */
export const MAX_EVENT_TEXT = 1000;
/** Errors and reasons may quote more (an upstream's message). */
export const MAX_EVENT_MESSAGE = 2000;

/** The marker stored instead of arguments and result the database refused (see recordAgentRequest's `unrecordable`). */
export const UNRECORDABLE = "_unrecordable";

/** Arguments larger than this (as JSON, after redaction) are stored as a marker with a preview, their size and hash. */
export const MAX_STORED_ARGUMENT_BYTES = 64 * 1024;
/** How far past the limit the redactor looks before it stops: the stored preview needs no more. */
const BUDGET_SLACK = 4096;

/**
 * Writes the audit event of one agent request. Awaited before the agent gets
 * its answer: a call the log does not show never happened. Throws if the
 * event was not written; the caller decides (fail closed, or fail open with
 * an alert, see noteFailedAuditWrite).
 *
 * With `unrecordable` (the database's error code for the first try), the
 * event is written without its payloads: arguments and result become
 * `{"_unrecordable": code}`, nothing is sealed, and it is an alert. That is
 * the second try after the database refused the payloads themselves, so an
 * agent cannot choose which of its calls go unrecorded by what it sends.
 */
export async function recordAgentRequest(event: AgentRequestEvent, options: { unrecordable?: string } = {}): Promise<void> {
  const recording = event.recording ?? DEFAULT_RECORDING;
  const id = newId("event");
  const { unrecordable } = options;
  const stored = unrecordable === undefined ? storedPayloads({ arguments: event.arguments, result: event.result }, recording) : unrecordablePayloads(event, unrecordable);
  // Text the agent (or an upstream) chose: cut, then redacted. A resource's URI and an unknown tool's name may carry a password.
  const text = (value: string | number | null | undefined, max = MAX_EVENT_TEXT) => (value == null || value === "" ? null : recording.redactor.redactText(String(value), max));
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
      method: cutText(event.method, MAX_EVENT_TEXT),
      server: event.server ?? null,
      tool: text(event.tool),
      arguments: stored.arguments,
      result: stored.result,
      resultBytes: stored.resultBytes,
      resultHash: stored.resultHash,
      resultTruncated: stored.resultTruncated,
      redactions: stored.redactions,
      sealedPayload: recording.fullPayloads && unrecordable === undefined ? sealPayload(event, id) : null,
      decision: event.decision,
      outcome: event.outcome,
      // Upstream errors may quote what they were sent.
      error: text(event.error, MAX_EVENT_MESSAGE),
      upstreamMs: event.upstreamMs == null ? null : Math.round(event.upstreamMs),
      totalMs: Math.round(event.totalMs),
      clientName: text(event.clientName),
      clientVersion: text(event.clientVersion),
      jsonrpcId: text(event.jsonrpcId),
      rule: event.rule ?? null,
      reason: text(event.reason, MAX_EVENT_MESSAGE),
      approvalId: event.approvalId ?? null,
      sourceIp: event.sourceIp ? cutText(event.sourceIp, 100) : null,
      ...(unrecordable === undefined ? {} : { severity: "alert" as const }),
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
    const fit = storedArguments(payloads.arguments, recording);
    args = fit.value;
    redactions.push(...fit.redactions);
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

/**
 * Arguments as an event (or an approval request) keeps them: redacted, and
 * past MAX_STORED_ARGUMENT_BYTES a truncation marker with a preview. The
 * redactor looks at no more than the preview needs.
 */
export function storedArguments(args: unknown, recording: AuditRecording): { value: unknown; redactions: AuditRedaction[] } {
  const redactions: AuditRedaction[] = [];
  const { value } = fitted("args", args, canonicalJson(args), MAX_STORED_ARGUMENT_BYTES, recording.redactor, redactions);
  return { value, redactions };
}

function unrecordablePayloads(event: AgentRequestEvent, code: string): StoredPayloads {
  const marker = { [UNRECORDABLE]: code };
  return {
    arguments: event.arguments === undefined ? null : marker,
    result: event.result === undefined ? null : marker,
    resultBytes: null,
    resultHash: null,
    resultTruncated: null,
    redactions: null,
  };
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

/** The SQLSTATE of a failed database call (e.g. "22021"), looked for down its causes; undefined when it has none. */
export function sqlState(e: unknown): string | undefined {
  for (let cause: unknown = e, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/** Node's codes for a connection that failed or broke. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** SQLSTATE classes of the database's own state: connection exception, insufficient resources, operator intervention. */
const INFRASTRUCTURE_CLASSES = new Set(["08", "53", "57"]);

/**
 * Whether an audit write failed because the database could not be reached or
 * could not take writes (connection, resources, shutdown, the pool): the
 * tenant's fail-open setting is about these. Anything else, a data error
 * (class 22, 23, a trigger's exception) or an error with no code, may have
 * been caused by what the agent sent, and is not one.
 */
export function isInfrastructureFailure(e: unknown): boolean {
  const state = sqlState(e);
  if (state) return INFRASTRUCTURE_CLASSES.has(state.slice(0, 2));
  for (let cause: unknown = e, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    const message = (cause as { message?: unknown }).message;
    // node-postgres and its pool say so in words: "Connection terminated unexpectedly", "timeout exceeded when trying to connect",
    // "Cannot use a pool after calling end on the pool", "Client has encountered a connection error and is not queryable".
    if (typeof message === "string" && /connection terminated|timeout exceeded when trying to connect|connection error|after calling end on the pool|client was closed/i.test(message)) return true;
  }
  return false;
}
