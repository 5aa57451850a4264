import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { accessRoles, agentKeys, agents, roleBindings } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { inTenant, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { AppError, notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { createAgentInput, updateAgentInput, type CreateAgentInput, type UpdateAgentInput } from "./schemas";

export type Agent = {
  id: string;
  name: string;
  description: string;
  labels: Record<string, string>;
  roles: string[];
  activeKeys: number;
  createdAt: Date;
  updatedAt: Date;
};

const nameTaken = (name: string) =>
  new AppError("conflict", `An agent named "${name}" already exists in this tenant.`, { fields: { name: ["This name is taken."] } });

async function selectAgents(tx: Tx, tenantId: string, agentId?: string): Promise<Agent[]> {
  const rows = await tx
    .select({
      id: agents.id,
      name: agents.name,
      description: agents.description,
      labels: agents.labels,
      createdAt: agents.createdAt,
      updatedAt: agents.updatedAt,
      // Drizzle leaves column names unqualified in a one-table select, where a
      // subquery would read "id" as its own table's: the subqueries name theirs.
      roles: sql<string[]>`coalesce((select array_agg(r.name order by r.name) from ${roleBindings} b join ${accessRoles} r on r.id = b.role_id where b.agent_id = ${agents}.id), '{}')`,
      activeKeys: sql<number>`(select count(*)::int from ${agentKeys} k where k.agent_id = ${agents}.id and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))`,
    })
    .from(agents)
    .where(and(eq(agents.tenantId, tenantId), agentId ? eq(agents.id, agentId) : undefined))
    .orderBy(asc(agents.name));
  return rows.map((r) => ({ ...r, activeKeys: Number(r.activeKeys) }));
}

export async function listAgents(ctx: TenantContext): Promise<Agent[]> {
  assertCan(ctx, "agents.read");
  return inTenant(ctx.tenant.id, (tx) => selectAgents(tx, ctx.tenant.id));
}

export async function getAgent(ctx: TenantContext, agentId: string): Promise<Agent> {
  assertCan(ctx, "agents.read");
  return inTenant(ctx.tenant.id, (tx) => getAgentIn(tx, ctx.tenant.id, agentId));
}

export async function getAgentIn(tx: Tx, tenantId: string, agentId: string): Promise<Agent> {
  const [agent] = await selectAgents(tx, tenantId, agentId);
  if (!agent) throw notFound("The agent");
  return agent;
}

/** Resolves role names to ids in this tenant; an unknown name is a field error. */
async function roleIds(tx: Tx, tenantId: string, names: string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await tx
    .select({ id: accessRoles.id, name: accessRoles.name })
    .from(accessRoles)
    .where(and(eq(accessRoles.tenantId, tenantId), inArray(accessRoles.name, unique)));
  const missing = unique.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) {
    throw new AppError("validation_failed", `No role named ${missing.map((m) => `"${m}"`).join(", ")} in this tenant.`, {
      fields: { roles: [`Unknown role: ${missing.join(", ")}`] },
    });
  }
  return rows.map((r) => r.id);
}

async function setBindings(tx: Tx, tenantId: string, agentId: string, ids: string[]): Promise<void> {
  await tx.delete(roleBindings).where(and(eq(roleBindings.tenantId, tenantId), eq(roleBindings.agentId, agentId)));
  if (ids.length) await tx.insert(roleBindings).values(ids.map((roleId) => ({ tenantId, roleId, agentId })));
}

/** An agent as its audit events show it: what it is called, its labels and the roles it is bound to. */
function auditedAgent(agent: Agent) {
  return { name: agent.name, description: agent.description, labels: agent.labels, roles: agent.roles };
}

export async function createAgent(ctx: TenantContext, input: CreateAgentInput): Promise<Agent> {
  assertCan(ctx, "agents.write");
  const data = parseInput(createAgentInput, input);
  const id = newId("agent");
  try {
    return await inTenant(ctx.tenant.id, async (tx) => {
      const ids = await roleIds(tx, ctx.tenant.id, data.roles);
      await tx.insert(agents).values({ id, tenantId: ctx.tenant.id, name: data.name, description: data.description, labels: data.labels });
      await setBindings(tx, ctx.tenant.id, id, ids);
      const created = await getAgentIn(tx, ctx.tenant.id, id);
      await recordAdminChange(tx, ctx, { action: "agent.created", target: { type: "agent", id, name: created.name }, after: auditedAgent(created) });
      await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
      return created;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(data.name);
    throw e;
  }
}

export async function updateAgent(ctx: TenantContext, agentId: string, input: UpdateAgentInput): Promise<Agent> {
  assertCan(ctx, "agents.write");
  const data = parseInput(updateAgentInput, input);
  try {
    return await inTenant(ctx.tenant.id, async (tx) => {
      const ids = data.roles ? await roleIds(tx, ctx.tenant.id, data.roles) : undefined;
      const [before] = await selectAgents(tx, ctx.tenant.id, agentId);
      if (!before) throw notFound("The agent");
      const updated = await tx
        .update(agents)
        .set({
          ...(data.name !== undefined && { name: data.name }),
          ...(data.description !== undefined && { description: data.description }),
          ...(data.labels !== undefined && { labels: data.labels }),
          updatedAt: new Date(),
        })
        .where(and(eq(agents.tenantId, ctx.tenant.id), eq(agents.id, agentId)))
        .returning({ id: agents.id });
      if (updated.length === 0) throw notFound("The agent");
      if (ids) await setBindings(tx, ctx.tenant.id, agentId, ids);
      const after = await getAgentIn(tx, ctx.tenant.id, agentId);
      await recordAdminChange(tx, ctx, {
        action: "agent.updated",
        target: { type: "agent", id: agentId, name: after.name },
        before: auditedAgent(before),
        after: auditedAgent(after),
      });
      await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
      return after;
    });
  } catch (e) {
    if (isUniqueViolation(e) && data.name) throw nameTaken(data.name);
    throw e;
  }
}

/** Deletes an agent with its keys and bindings; its keys stop working on the next request. */
export async function deleteAgent(ctx: TenantContext, agentId: string): Promise<void> {
  assertCan(ctx, "agents.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const [before] = await selectAgents(tx, ctx.tenant.id, agentId);
    const deleted = await tx
      .delete(agents)
      .where(and(eq(agents.tenantId, ctx.tenant.id), eq(agents.id, agentId)))
      .returning({ id: agents.id });
    if (deleted.length === 0 || !before) throw notFound("The agent");
    await recordAdminChange(tx, ctx, {
      action: "agent.deleted",
      target: { type: "agent", id: agentId, name: before.name },
      before: { ...auditedAgent(before), activeKeys: before.activeKeys },
    });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
  });
}

