import { and, asc, eq, sql } from "drizzle-orm";
import { accessRoles, accessRules, agents, roleBindings, type RuleEffect, type RuleTarget } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { DEFAULT_APPROVAL, type ApprovalPolicy } from "./decide";
import { inTenant, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { AppError, notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { createRoleInput, updateRoleInput, type CreateRoleInput, type ParsedRule, type ReplaceRoleInput, type UpdateRoleInput } from "./schemas";

export type Rule = {
  target: RuleTarget;
  server: string;
  pattern: string;
  effect: RuleEffect;
  condition: string | null;
  message: string | null;
  approval: ApprovalPolicy | null;
};

type RuleRow = typeof accessRules.$inferSelect;

/** A stored rule as the API and the console show it. */
export function ruleOf(row: Pick<RuleRow, "target" | "server" | "pattern" | "effect" | "condition" | "message" | "approverRole" | "approvalsRequired" | "approvalTtlSeconds">): Rule {
  return {
    target: row.target,
    server: row.server,
    pattern: row.pattern,
    effect: row.effect,
    condition: row.condition,
    message: row.message,
    approval:
      row.effect === "require_approval"
        ? { approverRole: row.approverRole ?? "reviewer", approvalsRequired: row.approvalsRequired ?? 1, ttlSeconds: row.approvalTtlSeconds ?? 3600 }
        : null,
  };
}

export type AccessRole = {
  id: string;
  name: string;
  description: string;
  rules: Rule[];
  agents: { id: string; name: string }[];
  createdAt: Date;
  updatedAt: Date;
};

async function selectRoles(tx: Tx, tenantId: string, name?: string): Promise<AccessRole[]> {
  const roles = await tx
    .select({
      id: accessRoles.id,
      name: accessRoles.name,
      description: accessRoles.description,
      createdAt: accessRoles.createdAt,
      updatedAt: accessRoles.updatedAt,
      // Qualified by hand: drizzle leaves columns unqualified in a one-table select.
      agents: sql<{ id: string; name: string }[]>`coalesce((select json_agg(json_build_object('id', a.id, 'name', a.name) order by a.name) from ${roleBindings} b join ${agents} a on a.id = b.agent_id where b.role_id = ${accessRoles}.id), '[]'::json)`,
    })
    .from(accessRoles)
    .where(and(eq(accessRoles.tenantId, tenantId), name !== undefined ? eq(accessRoles.name, name) : undefined))
    .orderBy(asc(accessRoles.name));
  if (roles.length === 0) return [];
  const rules = await tx
    .select()
    .from(accessRules)
    .where(eq(accessRules.tenantId, tenantId))
    .orderBy(asc(accessRules.roleId), asc(accessRules.position));
  return roles.map((role) => ({
    ...role,
    rules: rules.filter((r) => r.roleId === role.id).map(ruleOf),
  }));
}

export async function listRoles(ctx: TenantContext): Promise<AccessRole[]> {
  assertCan(ctx, "roles.read");
  return inTenant(ctx.tenant.id, (tx) => selectRoles(tx, ctx.tenant.id));
}

export async function getRole(ctx: TenantContext, name: string): Promise<AccessRole> {
  assertCan(ctx, "roles.read");
  return inTenant(ctx.tenant.id, (tx) => getRoleIn(tx, ctx.tenant.id, name));
}

async function getRoleIn(tx: Tx, tenantId: string, name: string): Promise<AccessRole> {
  const [role] = await selectRoles(tx, tenantId, name);
  if (!role) throw notFound(`The role "${name}"`);
  return role;
}

async function replaceRules(tx: Tx, tenantId: string, roleId: string, rules: ParsedRule[]): Promise<void> {
  await tx.delete(accessRules).where(and(eq(accessRules.tenantId, tenantId), eq(accessRules.roleId, roleId)));
  if (rules.length === 0) return;
  await tx.insert(accessRules).values(
    rules.map(({ approval: given, ...rule }, position) => {
      const approval = rule.effect === "require_approval" ? (given ?? DEFAULT_APPROVAL) : null;
      return {
      id: newId("rule"),
      tenantId,
      roleId,
      position,
      ...rule,
      approverRole: approval?.approverRole ?? null,
      approvalsRequired: approval?.approvalsRequired ?? null,
      approvalTtlSeconds: approval?.ttlSeconds ?? null,
      };
    }),
  );
}

/** A role as its audit events show it: its rules in order and the agents bound to it. */
function auditedRole(role: AccessRole) {
  return { name: role.name, description: role.description, rules: role.rules, agents: role.agents.map((a) => a.name) };
}

const nameTaken = (name: string) =>
  new AppError("conflict", `A role named "${name}" already exists in this tenant.`, { fields: { name: ["This name is taken."] } });

export async function createRole(ctx: TenantContext, input: CreateRoleInput): Promise<AccessRole> {
  assertCan(ctx, "roles.write");
  const data = parseInput(createRoleInput, input);
  const id = newId("role");
  try {
    return await inTenant(ctx.tenant.id, async (tx) => {
      await tx.insert(accessRoles).values({ id, tenantId: ctx.tenant.id, name: data.name, description: data.description });
      await replaceRules(tx, ctx.tenant.id, id, data.rules);
      const created = await getRoleIn(tx, ctx.tenant.id, data.name);
      await recordAdminChange(tx, ctx, { action: "role.created", target: { type: "role", id, name: created.name }, after: auditedRole(created) });
      await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
      return created;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(data.name);
    throw e;
  }
}

export async function updateRole(ctx: TenantContext, name: string, input: UpdateRoleInput): Promise<AccessRole> {
  assertCan(ctx, "roles.write");
  const data = parseInput(updateRoleInput, input);
  try {
    return await inTenant(ctx.tenant.id, async (tx) => {
      const [before] = await selectRoles(tx, ctx.tenant.id, name);
      if (!before) throw notFound(`The role "${name}"`);
      const [role] = await tx
        .update(accessRoles)
        .set({
          ...(data.name !== undefined && { name: data.name }),
          ...(data.description !== undefined && { description: data.description }),
          updatedAt: new Date(),
        })
        .where(and(eq(accessRoles.tenantId, ctx.tenant.id), eq(accessRoles.name, name)))
        .returning({ id: accessRoles.id, name: accessRoles.name });
      if (!role) throw notFound(`The role "${name}"`);
      if (data.rules) await replaceRules(tx, ctx.tenant.id, role.id, data.rules);
      const after = await getRoleIn(tx, ctx.tenant.id, role.name);
      await recordAdminChange(tx, ctx, {
        action: "role.updated",
        target: { type: "role", id: role.id, name: after.name },
        before: auditedRole(before),
        after: auditedRole(after),
      });
      await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
      return after;
    });
  } catch (e) {
    if (isUniqueViolation(e) && data.name) throw nameTaken(data.name);
    throw e;
  }
}

/**
 * Creates the role named `name`, or replaces its description and rules with
 * the given ones (omitted means empty): the same input always leaves the same
 * role, for config as code. Agents bound to an existing role stay bound.
 */
export async function upsertRole(ctx: TenantContext, name: string, input: ReplaceRoleInput): Promise<AccessRole> {
  assertCan(ctx, "roles.write");
  const data = parseInput(createRoleInput, { ...input, name });
  return inTenant(ctx.tenant.id, async (tx) => {
    const [before] = await selectRoles(tx, ctx.tenant.id, data.name);
    const [role] = await tx
      .insert(accessRoles)
      .values({ id: newId("role"), tenantId: ctx.tenant.id, name: data.name, description: data.description })
      .onConflictDoUpdate({ target: [accessRoles.tenantId, accessRoles.name], set: { description: data.description, updatedAt: new Date() } })
      .returning({ id: accessRoles.id });
    await replaceRules(tx, ctx.tenant.id, role!.id, data.rules);
    const after = await getRoleIn(tx, ctx.tenant.id, data.name);
    // A role that appeared meanwhile (a concurrent first upsert) was replaced, and is recorded as created: its first state was never read.
    await recordAdminChange(tx, ctx, {
      action: before ? "role.replaced" : "role.created",
      target: { type: "role", id: role!.id, name: after.name },
      before: before ? auditedRole(before) : null,
      after: auditedRole(after),
    });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return after;
  });
}

export async function deleteRole(ctx: TenantContext, name: string): Promise<void> {
  assertCan(ctx, "roles.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const [before] = await selectRoles(tx, ctx.tenant.id, name);
    const deleted = await tx
      .delete(accessRoles)
      .where(and(eq(accessRoles.tenantId, ctx.tenant.id), eq(accessRoles.name, name)))
      .returning({ id: accessRoles.id });
    if (deleted.length === 0 || !before) throw notFound(`The role "${name}"`);
    await recordAdminChange(tx, ctx, { action: "role.deleted", target: { type: "role", id: before.id, name: before.name }, before: auditedRole(before) });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
  });
}
