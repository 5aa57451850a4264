import { and, asc, eq, sql } from "drizzle-orm";
import { memberships, users } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { inTenant, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { assertCan, type ConsoleRole } from "@/lib/rbac/permissions";
import { parseInput } from "@/lib/validation";
import type { TenantContext } from "./context";
import { createInvitation, type CreatedInvitation } from "./invitations";
import { addMemberInput, changeRoleInput } from "./schemas";

export type Member = {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: ConsoleRole;
  createdAt: Date;
};

const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  email: users.email,
  name: users.name,
  role: memberships.role,
  createdAt: memberships.createdAt,
};

export async function listMembers(ctx: TenantContext): Promise<Member[]> {
  assertCan(ctx, "members.read");
  return inTenant(ctx.tenant.id, (tx) =>
    tx
      .select(memberColumns)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, ctx.tenant.id))
      .orderBy(asc(users.name), asc(users.email)),
  );
}

async function getMember(tx: Tx, ctx: TenantContext, membershipId: string, lock = false): Promise<Member> {
  const query = tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, membershipId)));
  const [member] = lock ? await query.for("update", { of: memberships }) : await query;
  if (!member) throw notFound("The member");
  return member;
}

/** A membership as its audit events show it: whose, and with which console role. */
function auditedMember(member: Member) {
  return { userId: member.userId, email: member.email, name: member.name, role: member.role };
}

const memberTarget = (member: Member) => ({ type: "member", id: member.id, name: member.email });

export type AddMemberResult = { kind: "member"; member: Member } | { kind: "invitation"; invitation: CreatedInvitation };

/**
 * Adds a person by email: an existing account becomes a member at once; anyone
 * else gets an invitation link (shown once) to create their account.
 */
export async function addMember(ctx: TenantContext, input: { email: string; role: string }): Promise<AddMemberResult> {
  assertCan(ctx, "members.write");
  const { email, role } = parseInput(addMemberInput, input);
  if (role === "owner") assertCan(ctx, "members.manage_owners");
  return inTenant(ctx.tenant.id, async (tx) => {
    const [existing] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email}`);
    if (!existing) return { kind: "invitation", invitation: await createInvitation(tx, ctx, { email, role }) };
    const id = newId("membership");
    try {
      await tx.insert(memberships).values({ id, tenantId: ctx.tenant.id, userId: existing.id, role });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError("conflict", `${email} is already a member of ${ctx.tenant.name}.`);
      throw e;
    }
    const member = await getMember(tx, ctx, id);
    await recordAdminChange(tx, ctx, { action: "member.added", target: memberTarget(member), after: auditedMember(member) });
    return { kind: "member", member };
  });
}

/**
 * Locks the tenant's owner rows, always in id order and before the target row,
 * so concurrent role changes and removals queue up instead of deadlocking, and
 * each sees the owners as the one before it left them.
 */
async function lockOwners(tx: Tx, ctx: TenantContext): Promise<number> {
  const owners = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.role, "owner")))
    .orderBy(asc(memberships.id))
    .for("update");
  return owners.length;
}

/** Only owners manage owners, and a tenant always keeps at least one. */
function assertOwnersRemain(ctx: TenantContext, target: Member, nextRole: ConsoleRole | null, ownerCount: number): void {
  if (target.role !== "owner" && nextRole !== "owner") return;
  assertCan(ctx, "members.manage_owners");
  if (target.role === "owner" && nextRole !== "owner" && ownerCount <= 1) {
    throw new AppError("conflict", `${target.name} is the last owner of ${ctx.tenant.name}. Make another member an owner first.`);
  }
}

export async function changeMemberRole(ctx: TenantContext, membershipId: string, input: { role: string }): Promise<Member> {
  assertCan(ctx, "members.write");
  const { role } = parseInput(changeRoleInput, input);
  return inTenant(ctx.tenant.id, async (tx) => {
    const ownerCount = await lockOwners(tx, ctx);
    const target = await getMember(tx, ctx, membershipId, true);
    if (target.role === role) return target;
    assertOwnersRemain(ctx, target, role, ownerCount);
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, membershipId)));
    const changed = { ...target, role };
    await recordAdminChange(tx, ctx, { action: "member.role_changed", target: memberTarget(target), before: auditedMember(target), after: auditedMember(changed) });
    return changed;
  });
}

/** Removes a member; they lose access on their next request, in every process. */
export async function removeMember(ctx: TenantContext, membershipId: string): Promise<void> {
  assertCan(ctx, "members.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const ownerCount = await lockOwners(tx, ctx);
    const target = await getMember(tx, ctx, membershipId, true);
    assertOwnersRemain(ctx, target, null, ownerCount);
    await tx.delete(memberships).where(and(eq(memberships.tenantId, ctx.tenant.id), eq(memberships.id, membershipId)));
    await recordAdminChange(tx, ctx, { action: "member.removed", target: memberTarget(target), before: auditedMember(target) });
  });
}
