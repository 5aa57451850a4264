import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { accessRoles, accessRules, agents, roleBindings, servers, serverTools, type RuleEffect } from "@/db/schema";
import type { Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { encodeName } from "@/lib/gateway/tool-names";
import type { TenantContext } from "@/lib/tenancy/context";
import { bindRule } from "./bind";
import { DEFAULT_APPROVAL, ruleLabel, type ApprovalPolicy, type BoundRule, type Decision, type Subject } from "./decide";
import { ruleOf, type Rule } from "./roles";
import { ruleInput, type ParsedRule } from "./schemas";

// What the simulator and the replay need of a tenant's configuration, read
// the way the gateway's snapshot reads it (lib/gateway/snapshot.ts): the same
// rule order, the same exposed tool names, enabled servers only. Reads only.

export const draftRulesInput = z.array(ruleInput).max(200, "A role has at most 200 rules.").meta({
  description: "The draft rules of this role (the same shape as a role's rules); they replace its saved rules for the simulation",
});

/** A decision in words: the effect, the rule that decided (`role#position`) and why. */
export type DecisionSummary = {
  effect: RuleEffect;
  rule: string | null;
  reason: string;
  /** deny: what the agent is told. */
  message: string | null;
  /** require_approval: who approves, how many, for how long. */
  approval: ApprovalPolicy | null;
  /** deny: because a condition could not be evaluated. */
  failed: boolean;
};

export type CatalogEntry = { exposedName: string; server: string; tool: Tool };
export type PolicyAgent = { id: string; name: string; labels: Record<string, string>; roles: Set<string> };

export type TenantPolicy = {
  tenant: TenantContext["tenant"];
  roleName: string;
  /** Every role's name in the order the gateway reads them (by name, as Postgres sorts). */
  roleOrder: string[];
  saved: Map<string, BoundRule[]>;
  agents: Map<string, PolicyAgent>;
  /** Tools of enabled servers by the name agents see; on a clash the earlier server keeps it, as in the gateway. */
  tools: Map<string, CatalogEntry>;
  /** Every tool of an enabled server by server name and upstream name (see serverToolKey). */
  byServerTool: Map<string, CatalogEntry>;
};

export const serverToolKey = (server: string, tool: string) => `${server}\u0000${tool}`;

/**
 * Reads the tenant's roles (the one named `roleName` must exist), agents
 * (only `agentId` when given) and tool catalog, in the caller's transaction.
 */
export async function loadTenantPolicy(tx: Tx, ctx: TenantContext, roleName: string, agentId?: string): Promise<TenantPolicy> {
  const tenantId = ctx.tenant.id;
  const roles = await tx.select({ id: accessRoles.id, name: accessRoles.name }).from(accessRoles).where(eq(accessRoles.tenantId, tenantId)).orderBy(asc(accessRoles.name));
  if (!roles.some((r) => r.name === roleName)) throw notFound(`The role "${roleName}"`);
  const nameOf = new Map(roles.map((r) => [r.id, r.name]));
  const ruleRows = await tx.select().from(accessRules).where(eq(accessRules.tenantId, tenantId)).orderBy(asc(accessRules.roleId), asc(accessRules.position));
  const saved = new Map<string, BoundRule[]>(roles.map((r) => [r.name, []]));
  for (const row of ruleRows) {
    const role = nameOf.get(row.roleId);
    if (role) saved.get(role)!.push(bindRule(role, row.position + 1, ruleOf(row)));
  }
  const agentRows = await tx
    .select({ id: agents.id, name: agents.name, labels: agents.labels })
    .from(agents)
    .where(and(eq(agents.tenantId, tenantId), agentId === undefined ? undefined : eq(agents.id, agentId)));
  const bindingRows = await tx
    .select({ agentId: roleBindings.agentId, roleId: roleBindings.roleId })
    .from(roleBindings)
    .where(and(eq(roleBindings.tenantId, tenantId), agentId === undefined ? undefined : eq(roleBindings.agentId, agentId)));
  const agentMap = new Map<string, PolicyAgent>(agentRows.map((a) => [a.id, { ...a, roles: new Set<string>() }]));
  for (const b of bindingRows) {
    const role = nameOf.get(b.roleId);
    if (role) agentMap.get(b.agentId)?.roles.add(role);
  }
  const serverRows = await tx
    .select({ id: servers.id, name: servers.name, namespace: servers.namespace })
    .from(servers)
    .where(and(eq(servers.tenantId, tenantId), eq(servers.enabled, true)))
    .orderBy(asc(servers.createdAt), asc(servers.name));
  const toolRows = await tx
    .select({ serverId: serverTools.serverId, name: serverTools.name, definition: serverTools.definition })
    .from(serverTools)
    .where(eq(serverTools.tenantId, tenantId))
    .orderBy(asc(serverTools.serverId), asc(serverTools.position));
  const tools = new Map<string, CatalogEntry>();
  const byServerTool = new Map<string, CatalogEntry>();
  for (const server of serverRows) {
    for (const row of toolRows) {
      if (row.serverId !== server.id) continue;
      const entry = { exposedName: encodeName(server.namespace, row.name), server: server.name, tool: row.definition as unknown as Tool };
      if (!tools.has(entry.exposedName)) tools.set(entry.exposedName, entry);
      byServerTool.set(serverToolKey(server.name, row.name), entry);
    }
  }
  return { tenant: ctx.tenant, roleName, roleOrder: roles.map((r) => r.name), saved, agents: agentMap, tools, byServerTool };
}

/** The draft as the gateway would hold it once saved: each rule bound under this role, require_approval with its default settings. */
export function bindDraft(roleName: string, rules: ParsedRule[]): BoundRule[] {
  return rules.map((rule, i) => bindRule(roleName, i + 1, ruleFromDraft(rule)));
}

function ruleFromDraft(rule: ParsedRule): Rule {
  return { ...rule, approval: rule.effect === "require_approval" ? (rule.approval ?? DEFAULT_APPROVAL) : null };
}

/**
 * The rules an agent is decided by, in the gateway's order: each role it
 * holds, by name, with the draft in place of the simulated role's saved
 * rules; with no draft, the rules as saved. `assumeHeld` decides an agent
 * that does not hold the role as if it did (the simulator's "what if").
 */
export function rulesOf(policy: TenantPolicy, agent: PolicyAgent, draft: BoundRule[] | null, options: { assumeHeld?: boolean } = {}): BoundRule[] {
  const rules: BoundRule[] = [];
  for (const role of policy.roleOrder) {
    if (role === policy.roleName) {
      if (agent.roles.has(role) || (draft && options.assumeHeld)) rules.push(...(draft ?? policy.saved.get(role) ?? []));
    } else if (agent.roles.has(role)) {
      rules.push(...(policy.saved.get(role) ?? []));
    }
  }
  return rules;
}

export function summarize(decision: Decision): DecisionSummary {
  return {
    effect: decision.effect,
    rule: decision.rule ? ruleLabel(decision.rule) : null,
    reason: decision.reason,
    message: decision.effect === "deny" ? (decision.message ?? null) : null,
    approval: decision.effect === "require_approval" ? decision.approval : null,
    failed: decision.effect === "deny" && Boolean(decision.failed),
  };
}

export const subjectOf = (entry: CatalogEntry): Subject => ({ target: "tool", server: entry.server, name: entry.tool.name });
