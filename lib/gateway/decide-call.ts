import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { listSessionCalls, type SessionCall } from "@/lib/audit/session-calls";
import { callBindings, toolBindings } from "@/lib/policy/bindings";
import type { ConditionBindings } from "@/lib/policy/cel";
import { decide, needsSession, type Decision, type Subject } from "@/lib/policy/decide";
import type { Caller } from "./audit-note";
import type { SnapshotTool } from "./snapshot";

export const subjectOf = (entry: SnapshotTool): Subject => ({ target: "tool", server: entry.server.name, name: entry.tool.name });

/**
 * Decides one tools/call. The session's earlier calls are read (from the
 * audit log) only when a matching rule's condition looks at them.
 */
export async function decideCall(caller: Caller, entry: SnapshotTool, args: Record<string, unknown>): Promise<Decision> {
  const subject = subjectOf(entry);
  const sessionId = caller.session?.id;
  const calls = sessionId && needsSession(caller.agent.rules, subject) ? await listSessionCalls(caller.snapshot.tenant.id, sessionId) : [];
  return decide(caller.agent.rules, subject, { bindings: () => bindingsOf(caller, toolBindings(entry.server.name, entry.tool), args, calls) });
}

/**
 * Decides a prompt or resource request. Their conditions see the prompt's
 * arguments (or `{ uri }`) as `args`, and no session history.
 */
export function decideOther(caller: Caller, subject: Subject, args: Record<string, unknown>): Decision {
  return decide(caller.agent.rules, subject, { bindings: () => bindingsOf(caller, { server: subject.server, name: subject.name, annotations: {} }, args, []) });
}

function bindingsOf(caller: Caller, tool: ConditionBindings["tool"], args: Record<string, unknown>, calls: SessionCall[]): ConditionBindings {
  return callBindings({
    args,
    tool,
    agent: caller.agent,
    tenant: caller.snapshot.tenant,
    time: new Date(),
    client: { name: caller.clientName ?? caller.session?.clientName, version: caller.clientVersion ?? caller.session?.clientVersion },
    source: caller.source,
    session: { id: caller.session?.id, calls },
  });
}

/** What an agent is told when a rule denies a tool it can otherwise see. */
export function denied(decision: Extract<Decision, { effect: "deny" }>): CallToolResult {
  const text = decision.message
    ? `Gatehouse denied this call: ${decision.message}`
    : decision.failed
      ? "Gatehouse denied this call: the access policy could not be evaluated for these arguments."
      : "Gatehouse denied this call: your access roles do not allow it with these arguments.";
  return { content: [{ type: "text", text }], isError: true };
}
