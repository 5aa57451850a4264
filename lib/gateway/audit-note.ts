import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { AuditDecision, AuditOutcome } from "@/db/schema";
import { type AgentRequestEvent, auditFailureText, isInfrastructureFailure, noteFailedAuditWrite, recordAgentRequest, sqlState } from "@/lib/audit/events";
import { agentError } from "@/lib/upstream/errors";
import type { McpSession } from "./sessions";
import type { SnapshotAgent, SnapshotKey, TenantSnapshot } from "./snapshot";

/** What a handler learns about a request as it goes, for its audit event. */
export type AuditNote = {
  server?: string;
  tool?: string;
  arguments?: unknown;
  decision: AuditDecision;
  /** Set by handlers that decide themselves (a denial); otherwise derived from how the request ended. */
  outcome?: AuditOutcome;
  error?: string;
  upstreamMs?: number;
  /** The rule that decided (`role#position`) and why, in words. */
  rule?: string;
  reason?: string;
  approvalId?: string;
};

export type Caller = {
  snapshot: TenantSnapshot;
  agent: SnapshotAgent;
  key: SnapshotKey;
  session?: McpSession;
  clientName?: string | null;
  clientVersion?: string | null;
  /** Where people reach the console, for links handed to the agent. */
  origin?: string;
  /** The client's address, as far as it is known. */
  source?: string;
  /** Aborts when the agent disconnects from the request being answered. */
  gone?: AbortSignal;
};

/** Requests whose answer is content the agent reads: the event keeps it (redacted, cut to the tenant's limit). */
const RESULT_METHODS = new Set(["tools/call", "resources/read", "prompts/get"]);

/**
 * Runs one agent request and writes its audit event before the answer
 * leaves: an error thrown by `fn` is recorded and then rethrown.
 *
 * If the database refuses what the event holds, it is written again without
 * its payloads, as an alert (see writeEvent). If it still cannot be written
 * the agent does not get the answer, but an error (fail closed), unless the
 * tenant chose to fail open: then the answer goes out, the failure is logged
 * (never the payload), and an alert event is written once the tenant's log
 * takes writes again.
 */
export async function audited<T>(caller: Caller, method: string, jsonrpcId: string | number | null, fn: (note: AuditNote) => Promise<T>): Promise<T> {
  const started = performance.now();
  const note: AuditNote = { decision: "none" };
  let failure: unknown;
  let result: T | undefined;
  try {
    result = await fn(note);
  } catch (e) {
    failure = e;
  }
  const isToolError = !failure && (result as { isError?: boolean } | undefined)?.isError === true;
  const tenant = caller.snapshot.tenant;
  const event: AgentRequestEvent = {
    tenantId: tenant.id,
    agentId: caller.agent.id,
    agentName: caller.agent.name,
    keyPrefix: caller.key.displayPrefix,
    sessionId: caller.session?.id ?? null,
    method,
    server: note.server,
    tool: note.tool,
    arguments: note.arguments,
    result: !failure && RESULT_METHODS.has(method) ? result : undefined,
    decision: note.decision,
    outcome: note.outcome ?? (failure || isToolError ? "error" : "ok"),
    error: note.error ?? (failure ? errorText(failure) : isToolError ? "the tool reported an error" : null),
    upstreamMs: note.upstreamMs,
    totalMs: performance.now() - started,
    clientName: caller.clientName ?? caller.session?.clientName,
    clientVersion: caller.clientVersion ?? caller.session?.clientVersion,
    jsonrpcId,
    rule: note.rule,
    reason: note.reason,
    approvalId: note.approvalId,
    sourceIp: caller.source,
    recording: caller.snapshot.audit,
  };
  const unwritten = await writeEvent(event, `a ${method} request of tenant ${tenant.slug}`);
  if (unwritten) {
    const failOpen = caller.snapshot.audit.failOpen;
    console.error(`[audit] the audit event of a ${method} request of tenant ${tenant.slug} could not be written (${unwritten}); ${failOpen ? "answered anyway: the tenant's log fails open" : "the request was refused"}`);
    if (!failOpen) {
      throw agentError(ErrorCode.InternalError, "Gatehouse could not write this request to the audit log, so its answer is withheld (a tool may have run). Try again shortly.");
    }
    noteFailedAuditWrite(tenant.id, unwritten);
  }
  if (failure) throw failure;
  return result as T;
}

/**
 * Writes a request's event; undefined when written, else what may be said of
 * the failure. A failure that is not the database's own state (a data error:
 * what was sent could not be stored) is retried once without the payloads,
 * as an alert: otherwise an agent could pick which calls go unrecorded, or
 * fail, by what it sends. Only when the database itself is unreachable or
 * refusing, or the retry fails too, does the tenant's fail-open setting
 * decide.
 */
async function writeEvent(event: AgentRequestEvent, what: string): Promise<string | undefined> {
  try {
    await recordAgentRequest(event);
    return undefined;
  } catch (e) {
    const why = auditFailureText(e);
    if (isInfrastructureFailure(e)) return why;
    try {
      await recordAgentRequest(event, { unrecordable: sqlState(e) ?? "error" });
      console.error(`[audit] the audit event of ${what} could not be written (${why}); recorded without its arguments and result, as an alert`);
      return undefined;
    } catch (again) {
      return auditFailureText(again);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^MCP error -?\d+: /, "") : String(e);
}
