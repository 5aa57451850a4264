import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { invitations, memberships, tenants, users } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { generateSecret, sha256 } from "@/lib/crypto";
import { inTenant, setScope, transaction, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { assertCan, type ConsoleRole } from "@/lib/rbac/permissions";
import { insertUser, type User } from "@/lib/auth/users";
import { parseInput } from "@/lib/validation";
import { actorUserId, type TenantContext } from "./context";
import { acceptInvitationSignUpInput } from "./schemas";

export const INVITATION_TOKEN_PREFIX = "gth_inv_";
export const INVITATION_TTL_DAYS = 7;

export type Invitation = {
  id: string;
  email: string;
  role: ConsoleRole;
  expiresAt: Date;
  createdAt: Date;
  expired: boolean;
};

/** A new invitation and its secret link path; the token is shown once and only its hash is kept. */
export type CreatedInvitation = Invitation & { token: string; path: string };

const invitationColumns = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  expiresAt: invitations.expiresAt,
  createdAt: invitations.createdAt,
};

const withExpiry = <T extends { expiresAt: Date }>(row: T) => ({ ...row, expired: row.expiresAt.getTime() <= Date.now() });

/** An invitation as its audit events show it: never its link, which is the secret. */
function auditedInvitation(row: { email: string; role: ConsoleRole; expiresAt: Date }) {
  return { email: row.email, role: row.role, expiresAt: row.expiresAt };
}

/**
 * Opens an invitation; an earlier open one for the same address is replaced,
 * so only the newest link works (the event's `before` shows the one replaced).
 */
export async function createInvitation(tx: Tx, ctx: TenantContext, input: { email: string; role: ConsoleRole }): Promise<CreatedInvitation> {
  const { secret, hash } = generateSecret(INVITATION_TOKEN_PREFIX);
  const [replaced] = await tx
    .delete(invitations)
    .where(and(eq(invitations.tenantId, ctx.tenant.id), sql`lower(${invitations.email}) = ${input.email}`, isNull(invitations.acceptedAt)))
    .returning(invitationColumns);
  const [row] = await tx
    .insert(invitations)
    .values({
      id: newId("invitation"),
      tenantId: ctx.tenant.id,
      email: input.email,
      role: input.role,
      tokenHash: hash,
      invitedBy: actorUserId(ctx),
      expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 24 * 3600 * 1000),
    })
    .returning(invitationColumns);
  await recordAdminChange(tx, ctx, {
    action: "invitation.created",
    target: { type: "invitation", id: row!.id, name: row!.email },
    before: replaced ? { ...auditedInvitation(replaced), id: replaced.id } : null,
    after: auditedInvitation(row!),
  });
  return { ...withExpiry(row!), token: secret, path: `/invite/${secret}` };
}

export async function listInvitations(ctx: TenantContext): Promise<Invitation[]> {
  assertCan(ctx, "members.read");
  const rows = await inTenant(ctx.tenant.id, (tx) =>
    tx
      .select(invitationColumns)
      .from(invitations)
      .where(and(eq(invitations.tenantId, ctx.tenant.id), isNull(invitations.acceptedAt)))
      .orderBy(desc(invitations.createdAt)),
  );
  return rows.map(withExpiry);
}

export async function revokeInvitation(ctx: TenantContext, invitationId: string): Promise<void> {
  assertCan(ctx, "members.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const deleted = await tx
      .delete(invitations)
      .where(and(eq(invitations.tenantId, ctx.tenant.id), eq(invitations.id, invitationId), isNull(invitations.acceptedAt)))
      .returning(invitationColumns);
    if (deleted.length === 0) throw notFound("The invitation");
    const [revoked] = deleted;
    await recordAdminChange(tx, ctx, { action: "invitation.revoked", target: { type: "invitation", id: revoked!.id, name: revoked!.email }, before: auditedInvitation(revoked!) });
  });
}

export type InvitationPreview = {
  tenantName: string;
  tenantSlug: string;
  email: string;
  role: ConsoleRole;
  /** Whether an account with the invited email exists (then the invitee signs in instead of signing up). */
  accountExists: boolean;
};

const UNUSABLE = "This invitation link is invalid, was replaced by a newer one, or has already been used.";

/** Reads the open invitation behind a link; the secret itself is the only way to see it. */
async function findOpenInvitation(tx: Tx, token: string) {
  if (typeof token !== "string" || !token.startsWith(INVITATION_TOKEN_PREFIX)) throw new AppError("not_found", UNUSABLE);
  const hash = sha256(token);
  await setScope(tx, { secretHash: hash });
  const [row] = await tx
    .select({ invitation: invitations, tenant: tenants })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(and(eq(invitations.tokenHash, hash), isNull(invitations.acceptedAt)));
  if (!row) throw new AppError("not_found", UNUSABLE);
  if (row.invitation.expiresAt.getTime() <= Date.now()) {
    throw new AppError("not_found", "This invitation has expired. Ask an admin of the tenant for a new one.");
  }
  return row;
}

export async function previewInvitation(token: string): Promise<InvitationPreview> {
  return transaction({}, async (tx) => {
    const { invitation, tenant } = await findOpenInvitation(tx, token);
    const [account] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${invitation.email}`);
    return { tenantName: tenant.name, tenantSlug: tenant.slug, email: invitation.email, role: invitation.role, accountExists: Boolean(account) };
  });
}

/**
 * Makes the invitee a member and uses the invitation up, recorded in the
 * tenant's log as the invitee's own act (an invitation is accepted by whoever
 * holds its link and the invited account).
 */
async function join(tx: Tx, invitation: typeof invitations.$inferSelect, user: Invitee): Promise<void> {
  await setScope(tx, { tenantId: invitation.tenantId });
  // Lock the invitation so two tabs accepting at once create one membership.
  const [locked] = await tx
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
    .for("update");
  if (!locked) throw new AppError("not_found", UNUSABLE);
  // Someone added directly meanwhile keeps their role; the invitation is simply used up.
  const [membership] = await tx
    .insert(memberships)
    .values({ id: newId("membership"), tenantId: invitation.tenantId, userId: user.id, role: invitation.role })
    .onConflictDoNothing()
    .returning({ id: memberships.id, role: memberships.role });
  await tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, invitation.id));
  await recordAdminChange(
    tx,
    { tenant: { id: invitation.tenantId }, actor: { kind: "user", userId: user.id, email: user.email, name: user.name ?? "" } },
    {
      action: "invitation.accepted",
      target: { type: "invitation", id: invitation.id, name: invitation.email },
      before: auditedInvitation(invitation),
      // Without a membership: the invitee had already been added directly, and keeps that role.
      after: { ...auditedInvitation(invitation), userId: user.id, membership: membership ? { id: membership.id, role: membership.role } : null },
    },
  );
}

type Invitee = Pick<User, "id" | "email"> & Partial<Pick<User, "name">>;

/** A signed-in user accepts an invitation addressed to their own email. Returns the tenant's slug. */
export async function acceptInvitation(token: string, user: Invitee): Promise<string> {
  return transaction({}, async (tx) => {
    const { invitation, tenant } = await findOpenInvitation(tx, token);
    if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
      throw new AppError("forbidden", `This invitation is for ${invitation.email}. Sign in with that account to accept it.`);
    }
    await join(tx, invitation, user);
    return tenant.slug;
  });
}

/** A newcomer accepts an invitation by creating their account with the invited email. */
export async function acceptInvitationWithSignUp(token: string, input: { name: string; password: string }): Promise<{ user: User; tenantSlug: string }> {
  const { name, password } = parseInput(acceptInvitationSignUpInput, input);
  return transaction({}, async (tx) => {
    const { invitation, tenant } = await findOpenInvitation(tx, token);
    const user = await insertUser(tx, { email: invitation.email, name, password });
    await join(tx, invitation, user);
    return { user, tenantSlug: tenant.slug };
  });
}

