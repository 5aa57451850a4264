import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { SessionCall } from "@/lib/audit/session-calls";
import type { ConditionBindings } from "./cel";

/** The tool a condition sees as `tool`: its server's name and the upstream's own description of it. */
export function toolBindings(server: string, tool: Pick<Tool, "name" | "title" | "description" | "annotations">): ConditionBindings["tool"] {
  return {
    server,
    name: tool.name,
    ...(tool.title !== undefined && { title: tool.title }),
    ...(tool.description !== undefined && { description: tool.description }),
    annotations: { ...tool.annotations },
  };
}

/** Everything a condition can look at about one call, before it is shaped for CEL. */
export type CallContext = {
  args: Record<string, unknown>;
  tool: ConditionBindings["tool"];
  agent: { id: string; name: string; labels: Record<string, string> };
  tenant: { id: string; slug: string; name: string };
  time: Date;
  client?: { name?: string | null; version?: string | null };
  /** The client's address; "" when unknown. */
  source?: string | null;
  session?: { id?: string | null; calls: SessionCall[] };
};

/**
 * The bindings of one call, as the gateway gives them to conditions. Pure, so
 * the simulator and the replay of audited calls build exactly what a live call
 * would see: missing client details and a missing session are empty strings
 * and an empty history, never undefined.
 */
export function callBindings(call: CallContext): ConditionBindings {
  return {
    args: call.args,
    tool: call.tool,
    agent: { id: call.agent.id, name: call.agent.name, labels: call.agent.labels },
    tenant: { id: call.tenant.id, slug: call.tenant.slug, name: call.tenant.name },
    request: {
      time: call.time,
      client: { name: call.client?.name ?? "", version: call.client?.version ?? "" },
      source: call.source ?? "",
    },
    session: { id: call.session?.id ?? "", calls: call.session?.calls ?? [] },
  };
}
