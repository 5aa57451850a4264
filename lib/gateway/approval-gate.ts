import { ErrorCode, type CallToolResult, type ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Approval } from "@/db/schema";
import { type HeldCall, consumeApproval, findApproval, requestApproval } from "@/lib/approvals/requests";
import { storedArguments } from "@/lib/audit/events";
import { waitForDecision } from "@/lib/approvals/wait";
import { canonicalHash } from "@/lib/canonical-json";
import type { Decision } from "@/lib/policy/decide";
import { agentError } from "@/lib/upstream/errors";
import type { AuditNote, Caller } from "./audit-note";
import type { AgentChannel, Extra } from "./forward";
import { trackRequest } from "./live";
import { getSnapshot, type SnapshotTool } from "./snapshot";

type Held = Extract<Decision, { effect: "require_approval" }>;

/** How often a held call tells the agent it is still waiting (progress notifications keep clients from timing out). */
const TICK_MS = 5_000;

/**
 * The approval gate of one tools/call: opens (or finds) the approval request
 * for this exact call and holds the call while reviewers decide, up to the
 * tenant's wait. Resolves to "run" when the call may go upstream, having
 * used the approval; otherwise to the tool result the agent gets instead.
 */
export async function holdForApproval(
  caller: Caller,
  entry: SnapshotTool,
  args: Record<string, unknown>,
  decision: Held,
  extra: Extra,
  note: AuditNote,
  channel: AgentChannel,
): Promise<"run" | CallToolResult> {
  const call = heldCall(caller, entry, args);
  const { rule } = decision;
  const { approval, expired } = await requestApproval(call, { role: rule.role, position: rule.position, condition: rule.condition?.source ?? null, reason: decision.reason }, decision.approval);
  note.approvalId = approval.id;
  note.decision = "approval_required";
  const url = consoleUrl(caller, approval.id);

  if (approval.status === "approved") return useApproval(caller, approval, note);
  if (approval.status === "denied") return deniedByReviewer(approval, note);

  const progressToken = extra._meta?.progressToken;
  let progress = 0;
  const tell = (message: string) => {
    if (progressToken === undefined) return;
    progress += 1;
    void extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress, message } }).catch(() => {});
  };
  const waitMs = caller.snapshot.tenant.approvalWaitSeconds * 1000;
  const waiting = (leftMs: number) =>
    `Waiting for approval ${approval.id} (${approval.approvalsRequired === 1 ? "1 approval" : `${approval.approvalsRequired} approvals`} by a ${approval.approverRole} or above); ${Math.ceil(leftMs / 1000)} s left. ${url}`;
  tell(waiting(waitMs));
  const elicitationId = `${approval.id}:${String(extra.requestId)}`;
  const elicited = offerUrl(channel, extra, elicitationId, url, approval);

  // The agent may cancel (from any process) or disconnect: then it stops waiting, and the request stays open for its retry.
  const tracked = trackRequest(channel.sessionId, extra.requestId);
  const stopped = AbortSignal.any([extra.signal, tracked.signal, ...(caller.gone ? [caller.gone] : [])]);
  let outcome: Approval | undefined;
  try {
    outcome = await waitForDecision(caller.snapshot.tenant.id, approval.id, { timeoutMs: waitMs, signal: stopped, tickMs: TICK_MS, onTick: (left) => tell(waiting(left)) });
  } finally {
    tracked.done();
  }
  if (elicited && outcome?.status !== "pending") void channel.notify({ method: "notifications/elicitation/complete", params: { elicitationId } }).catch(() => {});

  if (stopped.aborted) {
    note.reason = `${decision.reason}; the agent stopped waiting for ${approval.id}`;
    throw agentError(ErrorCode.RequestTimeout, "Request cancelled by the client.");
  }
  switch (outcome?.status) {
    case "approved":
      return useApproval(caller, outcome, note);
    case "denied":
      return deniedByReviewer(outcome, note);
    case "expired":
      note.outcome = "pending";
      note.reason = `approval ${outcome.id} expired without a decision`;
      return toolError(`The approval request ${outcome.id} expired before anyone decided. Call again with the same arguments to ask anew.`);
    case "consumed":
      note.outcome = "denied";
      note.reason = `approval ${outcome.id} was used by another call`;
      return toolError(usedElsewhere(outcome.id));
    case "pending":
      note.outcome = "pending";
      note.reason = `${decision.reason}; no decision within ${waitMs / 1000} s`;
      return toolError(
        `This call needs approval and is waiting for a reviewer: approval ${approval.id}, ${url} . ` +
          `Repeat the same call with the same arguments later: once approved it runs (once); until then repeating it does not ask again.` +
          (expired.length > 0 ? ` (An earlier request for this call, ${expired.map((e) => e.id).join(", ")}, expired.)` : ""),
      );
    default:
      throw agentError(ErrorCode.InternalError, "The approval request disappeared; call again.");
  }
}

function deniedByReviewer(approval: Approval, note: AuditNote): CallToolResult {
  note.decision = "denied";
  note.outcome = "denied";
  note.reason = `denied by a reviewer (${approval.id})${approval.comment ? `: ${approval.comment}` : ""}`;
  return toolError(`A reviewer denied this call (approval ${approval.id})${approval.comment ? `, commenting: "${approval.comment}"` : ""}. Do not repeat it as it is.`);
}

/** Runs the call on its approval: only once, and only if the tool is still the one the reviewers saw. */
async function useApproval(caller: Caller, approval: Approval, note: AuditNote): Promise<"run" | CallToolResult> {
  const current = (await getSnapshot(caller.snapshot.tenant.slug))?.tools.get(approval.exposedName);
  const used = current && current.hash === approval.toolHash ? await consumeApproval(approval.tenantId, approval.id, current.hash) : null;
  if (used) {
    note.decision = "allowed";
    note.reason = `approved (${approval.id})${approval.comment ? `: ${approval.comment}` : ""}`;
    return "run";
  }
  note.decision = "denied";
  note.outcome = "denied";
  if (!current || current.hash !== approval.toolHash) {
    note.reason = `the tool changed after approval ${approval.id}`;
    return toolError(`The tool ${approval.exposedName} changed after approval ${approval.id} was given, so it was not run. Call again to ask for approval of the tool as it is now.`);
  }
  const now = await findApproval(approval.tenantId, approval.id);
  note.reason = `approval ${approval.id} is ${now?.status ?? "gone"}`;
  return toolError(
    now?.status === "consumed"
      ? usedElsewhere(approval.id)
      : `The approval ${approval.id} can no longer be used (${now?.status ?? "gone"}). Call again to ask anew.`,
  );
}

function heldCall(caller: Caller, entry: SnapshotTool, args: Record<string, unknown>): HeldCall {
  return {
    tenantId: caller.snapshot.tenant.id,
    agentId: caller.agent.id,
    agentName: caller.agent.name,
    keyId: caller.key.id,
    keyPrefix: caller.key.displayPrefix,
    keyCreatedBy: caller.key.createdBy,
    sessionId: caller.session?.id ?? null,
    serverId: entry.server.config.id,
    server: entry.server.name,
    tool: entry.tool.name,
    exposedName: entry.exposedName,
    toolHash: entry.hash,
    argumentsHash: canonicalHash(args),
    // Reviewers, the approvals table and its audit events see the arguments redacted (and huge ones cut, as an
    // event stores them, so the redactor's work is bounded); the hash binds the originals.
    arguments: storedArguments(args, caller.snapshot.audit).value,
    clientName: caller.clientName ?? caller.session?.clientName ?? null,
    clientVersion: caller.clientVersion ?? caller.session?.clientVersion ?? null,
  };
}

export function consoleUrl(caller: Caller, approvalId: string): string {
  return `${caller.origin ?? ""}/${caller.snapshot.tenant.slug}/approvals/${approvalId}`;
}

const toolError = (text: string): CallToolResult => ({ content: [{ type: "text", text }], isError: true });
const usedElsewhere = (id: string) => `The approval ${id} was used by another identical call; an approval runs one call. Call again to ask anew.`;

/**
 * Clients that can open a URL for their user (URL-mode elicitation) are
 * handed the approval page that way too; the call does not wait for it.
 */
function offerUrl(channel: AgentChannel, extra: Extra, elicitationId: string, url: string, approval: Approval): boolean {
  const elicitation = channel.capabilities.elicitation as { url?: object } | undefined;
  if (!elicitation?.url || !url.startsWith("http")) return false;
  const request: ElicitRequest = {
    method: "elicitation/create",
    params: { mode: "url", elicitationId, url, message: `${approval.server}__${approval.tool} needs approval by a ${approval.approverRole}. Open the approval page to follow it.` },
  };
  void channel.request(request, extra.signal).catch(() => {});
  return true;
}
