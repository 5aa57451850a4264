import { z } from "zod";
import type { RuleEffect } from "@/db/schema";
import { SESSION_CALLS_LIMIT, type SessionCall } from "@/lib/audit/session-calls";
import { inTenant } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { callBindings, toolBindings } from "./bindings";
import { decide, mayBeAllowed, ruleLabel, type BoundRule, type Decision, type RuleTrace } from "./decide";
import type { Rule } from "./roles";
import { bindDraft, draftRulesInput, loadTenantPolicy, rulesOf, subjectOf, summarize, type CatalogEntry, type DecisionSummary } from "./tenant-policy";

export type { DecisionSummary } from "./tenant-policy";

// The simulator reads the configuration and writes nothing. It decides with
// lib/policy/decide.ts and builds bindings with lib/policy/bindings.ts, as the
// gateway does, so a simulated decision is the one a live call would get.

const decisionName = z.enum(["allow", "deny", "require_approval"]);

export const simulateInput = z
  .object({
    rules: draftRulesInput,
    agentId: z.string().trim().min(1, "Choose an agent."),
    tool: z.string().trim().min(1, "Choose a tool.").max(200).meta({ description: "The name the agent would call (`<namespace>__<tool>`)" }),
    arguments: z
      .union([z.string(), z.record(z.string(), z.unknown())], { error: "Give the arguments as a JSON object." })
      .default({})
      .transform((value, ctx) => {
        if (typeof value !== "string") return value;
        if (!value.trim()) return {};
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: `The arguments are not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
          return z.NEVER;
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          ctx.addIssue({ code: "custom", message: 'The arguments are a JSON object, such as {"table": "orders"}.' });
          return z.NEVER;
        }
        return parsed as Record<string, unknown>;
      })
      .meta({ description: "The call's arguments: a JSON object, or its text" }),
    at: z.iso
      .datetime({ offset: true, error: "Give the time as an ISO instant, e.g. 2026-03-02T09:30:00+01:00." })
      .optional()
      .meta({ description: "When the call is made (request.time); now if omitted" }),
    clientName: z.string().trim().max(200).optional().meta({ description: "request.client.name" }),
    clientVersion: z.string().trim().max(100).optional().meta({ description: "request.client.version" }),
    source: z.string().trim().max(100).optional().meta({ description: "request.source, the client's address" }),
    sessionCalls: z
      .array(z.object({ tool: z.string().trim().min(1, "Name the tool called earlier."), decision: decisionName.default("allow") }).strict())
      .max(SESSION_CALLS_LIMIT, `At most ${SESSION_CALLS_LIMIT} earlier calls.`)
      .default([])
      .meta({ description: "Tools called earlier in the same session, oldest first (session.calls)" }),
  })
  .strict();
export type SimulateInput = z.input<typeof simulateInput>;

export type TraceEntry = {
  rule: string;
  role: string;
  position: number;
  /** From the draft (this role) rather than another role's saved rules. */
  draft: boolean;
  target: Rule["target"];
  server: string;
  pattern: string;
  effect: RuleEffect;
  condition: string | null;
  /** Target, server and pattern match the call. */
  matched: boolean;
  /** For a matched rule with a condition: "true", "false" or "error". */
  conditionResult: "true" | "false" | "error" | null;
  error: string | null;
  /** This rule decided. */
  decisive: boolean;
};

export type Simulation = {
  agent: { id: string; name: string; holdsRole: boolean };
  tool: { exposedName: string; server: string; name: string };
  at: string;
  /** Under the draft. */
  decision: DecisionSummary;
  /** Under the rules as saved, for comparison. */
  saved: DecisionSummary;
  /** Whether the agent would see the tool listed under the draft. */
  listed: boolean;
  trace: TraceEntry[];
};


function traceEntries(trace: RuleTrace[], decision: Decision, draft: BoundRule[]): TraceEntry[] {
  const fromDraft = new Set(draft);
  return trace.map(({ rule, matched, condition }) => ({
    rule: ruleLabel(rule),
    role: rule.role,
    position: rule.position,
    draft: fromDraft.has(rule),
    target: rule.target,
    server: rule.server,
    pattern: rule.pattern,
    effect: rule.effect,
    condition: rule.condition?.source ?? null,
    matched,
    conditionResult: !condition ? null : "error" in condition ? "error" : condition.result ? "true" : "false",
    error: condition && "error" in condition ? condition.error : null,
    decisive: decision.rule === rule,
  }));
}

const sessionCallOf = (entry: CatalogEntry, decision: SessionCall["decision"], at: Date): SessionCall => ({
  server: entry.server,
  tool: entry.tool.name,
  name: `${entry.server}__${entry.tool.name}`,
  decision,
  at,
});

const invalid = (field: string, message: string) => new AppError("validation_failed", message, { fields: { [field]: [message] } });

/**
 * Decides a hypothetical tools/call under the draft rules of `roleName`
 * (replacing its saved rules) together with the saved rules of the agent's
 * other roles. An agent that does not hold the role is simulated as if it
 * did. Nothing is saved; a viewer may simulate.
 */
export async function simulateCall(ctx: TenantContext, roleName: string, input: SimulateInput): Promise<Simulation> {
  assertCan(ctx, "roles.read");
  const data = parseInput(simulateInput, input);
  const world = await inTenant(ctx.tenant.id, (tx) => loadTenantPolicy(tx, ctx, roleName, data.agentId));
  const agent = world.agents.get(data.agentId);
  if (!agent) throw invalid("agentId", "There is no such agent in this tenant.");
  const entry = world.tools.get(data.tool);
  if (!entry) throw invalid("tool", `No tool named "${data.tool}" in this tenant's catalog (enabled servers only).`);
  const at = data.at ? new Date(data.at) : new Date();
  const calls = data.sessionCalls.map((call, i) => {
    const earlier = world.tools.get(call.tool);
    if (!earlier) throw invalid(`sessionCalls.${i}.tool`, `No tool named "${call.tool}" in this tenant's catalog.`);
    // Spaced a second apart, all before the call itself.
    return sessionCallOf(earlier, call.decision, new Date(at.getTime() - (data.sessionCalls.length - i) * 1000));
  });

  const draft = bindDraft(roleName, data.rules);
  const bindings = () =>
    callBindings({
      args: data.arguments,
      tool: toolBindings(entry.server, entry.tool),
      agent,
      tenant: world.tenant,
      time: at,
      client: { name: data.clientName, version: data.clientVersion },
      source: data.source,
      session: { id: calls.length ? "simulated-session" : "", calls },
    });
  const subject = subjectOf(entry);
  const rules = rulesOf(world, agent, draft, { assumeHeld: true });
  const trace: RuleTrace[] = [];
  const decision = decide(rules, subject, { bindings, trace });
  const saved = decide(rulesOf(world, agent, null), subject, { bindings });
  return {
    agent: { id: agent.id, name: agent.name, holdsRole: agent.roles.has(roleName) },
    tool: { exposedName: entry.exposedName, server: entry.server, name: entry.tool.name },
    at: at.toISOString(),
    decision: summarize(decision),
    saved: summarize(saved),
    listed: mayBeAllowed(rules, subject),
    trace: traceEntries(trace, decision, draft),
  };
}

/** What the console offers to simulate with: the tenant's agents and the tools of its enabled servers. */
export async function listSimulationChoices(ctx: TenantContext, roleName: string): Promise<{ agents: { id: string; name: string; holdsRole: boolean }[]; tools: { exposedName: string; server: string; name: string }[] }> {
  assertCan(ctx, "roles.read");
  const world = await inTenant(ctx.tenant.id, (tx) => loadTenantPolicy(tx, ctx, roleName));
  return {
    agents: [...world.agents.values()].map((a) => ({ id: a.id, name: a.name, holdsRole: a.roles.has(roleName) })).sort((a, b) => Number(b.holdsRole) - Number(a.holdsRole) || a.name.localeCompare(b.name)),
    tools: [...world.tools.values()].map((t) => ({ exposedName: t.exposedName, server: t.server, name: t.tool.name })),
  };
}
