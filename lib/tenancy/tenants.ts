import { and, asc, eq } from "drizzle-orm";
import { memberships, tenants, users } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { setScope, transaction, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { AppError, notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan, type ConsoleRole } from "@/lib/rbac/permissions";
import { parseInput } from "@/lib/validation";
import type { TenantContext } from "./context";
import { createTenantInput, slugSchema, updateTenantInput, type CreateTenantInput, type UpdateTenantInput } from "./schemas";

export type Tenant = typeof tenants.$inferSelect;
export type TenantMembership = { tenant: Tenant; role: ConsoleRole; membershipId: string };

/**
 * Creates a tenant with `ownerId` as its first owner, inside the caller's
 * transaction. Its audit chain begins with `tenant.created`, by that owner.
 */
export async function insertTenant(tx: Tx, ownerId: string, input: CreateTenantInput): Promise<Tenant> {
  const { slug, name } = parseInput(createTenantInput, input);
  const id = newId("tenant");
  let tenant: Tenant;
  try {
    [tenant] = (await tx.insert(tenants).values({ id, slug, name }).returning()) as [Tenant];
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError("conflict", `The slug "${slug}" is taken; choose another.`, { fields: { slug: ["This slug is taken."] } });
    }
    throw e;
  }
  // The membership is tenant-owned: scope the transaction to the new tenant for it.
  await setScope(tx, { tenantId: id, userId: ownerId });
  const membershipId = newId("membership");
  await tx.insert(memberships).values({ id: membershipId, tenantId: id, userId: ownerId, role: "owner" });
  const [owner] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, ownerId));
  if (!owner) throw notFound("The owner's account");
  await recordAdminChange(tx, ownerContext(tenant, owner), {
    action: "tenant.created",
    target: { type: "tenant", id, name: tenant.name },
    after: { ...auditedTenant(tenant), owner: { userId: owner.id, email: owner.email, name: owner.name, membershipId } },
  });
  return tenant;
}

/** The context of a tenant's owner acting in it, for what a new tenant is set up with. */
export function ownerContext(tenant: Pick<Tenant, "id" | "slug" | "name">, owner: { id: string; email: string; name: string }): TenantContext {
  return { tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, actor: { kind: "user", userId: owner.id, email: owner.email, name: owner.name }, role: "owner" };
}

/**
 * A tenant as its `tenant.*` events show it: its name and the settings of
 * this module (the audit log's own settings are recorded where they change).
 */
function auditedTenant(tenant: Tenant) {
  return { slug: tenant.slug, name: tenant.name, approvalWaitSeconds: tenant.approvalWaitSeconds };
}

export async function createTenant(ownerId: string, input: CreateTenantInput): Promise<Tenant> {
  return transaction({ userId: ownerId }, (tx) => insertTenant(tx, ownerId, input));
}

/** The tenants a user belongs to, with their role in each, by name. */
export async function listTenantsForUser(userId: string): Promise<TenantMembership[]> {
  return transaction({ userId }, async (tx) => {
    const rows = await tx
      .select({ tenant: tenants, role: memberships.role, membershipId: memberships.id })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(tenants.name));
    return rows;
  });
}

/** The user's membership in the tenant with this slug, or undefined: not a member and no such tenant look alike. */
export async function findMembership(userId: string, slug: string): Promise<TenantMembership | undefined> {
  const parsed = slugSchema.safeParse(slug);
  if (!parsed.success) return undefined;
  return transaction({ userId }, async (tx) => {
    const [row] = await tx
      .select({ tenant: tenants, role: memberships.role, membershipId: memberships.id })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(and(eq(memberships.userId, userId), eq(tenants.slug, parsed.data)));
    return row;
  });
}

export async function updateTenant(ctx: TenantContext, input: UpdateTenantInput): Promise<Tenant> {
  assertCan(ctx, "tenant.update");
  const data = parseInput(updateTenantInput, input);
  return transaction({ tenantId: ctx.tenant.id }, async (tx) => {
    // Not FOR UPDATE: that would conflict with the key-share lock every audit insert takes on its tenant, and deadlock against them.
    const [before] = await tx.select().from(tenants).where(eq(tenants.id, ctx.tenant.id)).for("no key update");
    if (!before) throw notFound("The tenant");
    const [tenant] = await tx.update(tenants).set(data).where(eq(tenants.id, ctx.tenant.id)).returning();
    await recordAdminChange(tx, ctx, {
      action: "tenant.updated",
      target: { type: "tenant", id: ctx.tenant.id, name: tenant!.name },
      before: auditedTenant(before),
      after: auditedTenant(tenant!),
    });
    // The gateway's snapshot holds the name and the approval wait.
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return tenant!;
  });
}

export async function getTenant(ctx: TenantContext): Promise<Tenant> {
  assertCan(ctx, "tenant.read");
  return transaction({ tenantId: ctx.tenant.id }, async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, ctx.tenant.id));
    if (!tenant) throw notFound("The tenant");
    return tenant;
  });
}

/**
 * The context of the server's operator on its command line, reading one
 * tenant as an auditor does: for checks such as verifying the audit chain.
 * Not for the console or the API, whose contexts come from authentication.
 */
export async function operatorContext(slug: string): Promise<TenantContext> {
  const tenant = await transaction({}, async (tx) => {
    const [row] = await tx.select({ id: tenants.id, slug: tenants.slug, name: tenants.name }).from(tenants).where(eq(tenants.slug, slug));
    return row;
  });
  if (!tenant) throw notFound(`The tenant "${slug}"`);
  return { tenant, actor: { kind: "operator", name: "operator (command line)" }, role: "auditor" };
}
