import { describe, expect, it } from "vitest";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { verifyCredentials } from "@/lib/auth/sign-in";
import { expectAppError } from "@/test/assertions";
import { contextFor, createTestMember, createTestTenant, createTestUser, randomEmail, TEST_PASSWORD } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import type { TenantContext } from "./context";
import {
  acceptInvitation,
  acceptInvitationWithSignUp,
  INVITATION_TOKEN_PREFIX,
  listInvitations,
  previewInvitation,
  revokeInvitation,
  type CreatedInvitation,
} from "./invitations";
import { addMember, listMembers } from "./members";
import { findMembership } from "./tenants";

const UNUSABLE = "This invitation link is invalid, was replaced by a newer one, or has already been used.";
const EXPIRED = "This invitation has expired. Ask an admin of the tenant for a new one.";

async function invite(ctx: TenantContext, role: "admin" | "reviewer" | "auditor" | "viewer" | "owner" = "reviewer", email = randomEmail("invitee")) {
  const result = await addMember(ctx, { email, role });
  if (result.kind !== "invitation") throw new Error("expected an invitation");
  return result.invitation;
}

const usersWithEmail = async (email: string) =>
  Number((await superuserQuery<{ n: number }>("select count(*)::int as n from users where lower(email) = lower($1)", [email]))[0]!.n);

async function openInvitationIds(ctx: TenantContext) {
  return (await listInvitations(ctx)).map((i) => i.id);
}

async function expire(invitation: CreatedInvitation) {
  await superuserQuery("update invitations set expires_at = now() - interval '1 minute' where id = $1", [invitation.id]);
}

describe("previewInvitation", () => {
  it("shows the tenant, email and role behind a link", async () => {
    const ctx = await createTestTenant({ name: "Preview Corp" });
    const invitation = await invite(ctx, "auditor");

    expect(await previewInvitation(invitation.token)).toEqual({
      tenantName: "Preview Corp",
      tenantSlug: ctx.tenant.slug,
      email: invitation.email,
      role: "auditor",
      accountExists: false,
    });
  });

  it("says when an account with the invited email exists", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    await createTestUser({ email: invitation.email.toUpperCase() });
    expect((await previewInvitation(invitation.token)).accountExists).toBe(true);
  });

  it.each([
    ["an empty string", ""],
    ["a token without the prefix", "abcdefghijklmnopqrstuvwxyz0123456789ABCD"],
    ["a token with another prefix", "gth_adm_abcdefghijklmnopqrstuvwxyz0123456789ABCD"],
    ["an unknown token with the right prefix", `${INVITATION_TOKEN_PREFIX}abcdefghijklmnopqrstuvwxyz0123456789ABCD`],
    ["the prefix alone", INVITATION_TOKEN_PREFIX],
  ])("refuses %s as not found", async (_label, token) => {
    await expectAppError(previewInvitation(token), "not_found", UNUSABLE);
  });

  it("refuses an admin token presented as an invitation link", async () => {
    const ctx = await createTestTenant();
    const { secret } = await createAdminToken(ctx, { name: "ci" });
    await expectAppError(previewInvitation(secret), "not_found", UNUSABLE);
    await expectAppError(acceptInvitationWithSignUp(secret, { name: "X", password: TEST_PASSWORD }), "not_found", UNUSABLE);
  });

  it("refuses an expired link, which is still listed as expired", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    await expire(invitation);

    await expectAppError(previewInvitation(invitation.token), "not_found", EXPIRED);
    expect((await listInvitations(ctx)).find((i) => i.id === invitation.id)?.expired).toBe(true);
  });
});

describe("acceptInvitationWithSignUp", () => {
  it("creates the account with the invited email and a membership with the invited role", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx, "admin");

    const { user, tenantSlug } = await acceptInvitationWithSignUp(invitation.token, { name: "  Nina Newcomer ", password: TEST_PASSWORD });

    expect(tenantSlug).toBe(ctx.tenant.slug);
    expect(user).toMatchObject({ email: invitation.email, name: "Nina Newcomer" });
    expect(user.id).toMatch(/^usr_/);
    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("admin");
    expect(await openInvitationIds(ctx)).not.toContain(invitation.id);
    // The new account signs in with the password it chose.
    expect((await verifyCredentials(invitation.email, TEST_PASSWORD)).id).toBe(user.id);
  });

  it("works once: the second use of the link is refused and creates nothing", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    await acceptInvitationWithSignUp(invitation.token, { name: "First", password: TEST_PASSWORD });

    await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "Second", password: TEST_PASSWORD }), "not_found", UNUSABLE);
    await expectAppError(previewInvitation(invitation.token), "not_found", UNUSABLE);
    expect(await usersWithEmail(invitation.email)).toBe(1);
    expect(await listMembers(ctx)).toHaveLength(2);
  });

  it("gives one account and one membership when the link is used twice at once", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);

    const results = await Promise.allSettled([
      acceptInvitationWithSignUp(invitation.token, { name: "Tab one", password: TEST_PASSWORD }),
      acceptInvitationWithSignUp(invitation.token, { name: "Tab two", password: TEST_PASSWORD }),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await usersWithEmail(invitation.email)).toBe(1);
    expect(await listMembers(ctx)).toHaveLength(2);
  });

  it("refuses the old link once a newer invitation replaced it", async () => {
    const ctx = await createTestTenant();
    const email = randomEmail("twice");
    const old = await invite(ctx, "viewer", email);
    const replacement = await invite(ctx, "reviewer", email.toUpperCase());

    await expectAppError(previewInvitation(old.token), "not_found", UNUSABLE);
    await expectAppError(acceptInvitationWithSignUp(old.token, { name: "Old", password: TEST_PASSWORD }), "not_found", UNUSABLE);
    expect(await usersWithEmail(email)).toBe(0);
    expect(await openInvitationIds(ctx)).toEqual([replacement.id]);

    const { user } = await acceptInvitationWithSignUp(replacement.token, { name: "New", password: TEST_PASSWORD });
    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("reviewer");
  });

  it("refuses an expired link and creates nothing", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    await expire(invitation);

    await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "Late", password: TEST_PASSWORD }), "not_found", EXPIRED);
    expect(await usersWithEmail(invitation.email)).toBe(0);
    expect(await listMembers(ctx)).toHaveLength(1);
  });

  it("refuses a short password or an empty name, naming the field, and leaves the link usable", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);

    const short = await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "Pat", password: "short" }), "validation_failed");
    expect(short.fields?.password).toEqual(["A password has at least 12 characters."]);
    const noName = await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "  ", password: TEST_PASSWORD }), "validation_failed");
    expect(Object.keys(noName.fields ?? {})).toEqual(["name"]);

    expect(await usersWithEmail(invitation.email)).toBe(0);
    expect(await openInvitationIds(ctx)).toEqual([invitation.id]);
    expect((await previewInvitation(invitation.token)).email).toBe(invitation.email);
  });

  it("refuses to sign up when the invited email already has an account, and leaves the link usable", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    const existing = await createTestUser({ email: invitation.email });

    await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "Dup", password: TEST_PASSWORD }), "conflict", /already exists/);

    expect(await usersWithEmail(invitation.email)).toBe(1);
    expect(await findMembership(existing.id, ctx.tenant.slug)).toBeUndefined();
    expect(await openInvitationIds(ctx)).toEqual([invitation.id]);
  });
});

describe("acceptInvitation (signed in)", () => {
  it("adds the signed-in user whose email matches, in any case, with the invited role", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx, "viewer");
    const user = await createTestUser({ email: invitation.email.toUpperCase() });

    expect(await acceptInvitation(invitation.token, user)).toBe(ctx.tenant.slug);

    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("viewer");
    expect(await openInvitationIds(ctx)).toEqual([]);
    await expectAppError(acceptInvitation(invitation.token, user), "not_found", UNUSABLE);
  });

  it("refuses a user with another email and changes nothing", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    const intruder = await createTestUser();

    await expectAppError(
      acceptInvitation(invitation.token, intruder),
      "forbidden",
      `This invitation is for ${invitation.email}. Sign in with that account to accept it.`,
    );

    expect(await findMembership(intruder.id, ctx.tenant.slug)).toBeUndefined();
    expect(await openInvitationIds(ctx)).toEqual([invitation.id]);
    expect((await previewInvitation(invitation.token)).email).toBe(invitation.email);
  });

  it("uses up the link without error for someone who became a member meanwhile, keeping their role", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx, "viewer");
    // The invitee got an account some other way (e.g. SSO) and was then added directly.
    const user = await createTestUser({ email: invitation.email });
    await addMember(ctx, { email: user.email, role: "admin" });

    expect(await acceptInvitation(invitation.token, user)).toBe(ctx.tenant.slug);

    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("admin");
    expect(await openInvitationIds(ctx)).toEqual([]);
  });
});

describe("revokeInvitation", () => {
  it("revokes: the link stops working and the invitation leaves the list", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);

    await revokeInvitation(ctx, invitation.id);

    expect(await openInvitationIds(ctx)).toEqual([]);
    await expectAppError(previewInvitation(invitation.token), "not_found", UNUSABLE);
    await expectAppError(acceptInvitationWithSignUp(invitation.token, { name: "Late", password: TEST_PASSWORD }), "not_found");
    expect(await usersWithEmail(invitation.email)).toBe(0);
    await expectAppError(revokeInvitation(ctx, invitation.id), "not_found", "The invitation was not found.");
  });

  it("is not found for an accepted invitation", async () => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    await acceptInvitationWithSignUp(invitation.token, { name: "Quick", password: TEST_PASSWORD });
    await expectAppError(revokeInvitation(ctx, invitation.id), "not_found");
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const invitation = await invite(ctx);
    const member = await createTestMember(ctx, role);

    await expectAppError(revokeInvitation(member.ctx, invitation.id), "forbidden");

    expect(await openInvitationIds(ctx)).toEqual([invitation.id]);
    expect(await listInvitations(member.ctx)).toHaveLength(1);
  });

  it("a context of tenant A cannot see or revoke an invitation of tenant B", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    const invitationB = await invite(ctxB);

    expect(await openInvitationIds(ctxA)).toEqual([]);
    await expectAppError(revokeInvitation(ctxA, invitationB.id), "not_found");
    await expectAppError(revokeInvitation(contextFor({ id: "usr_x", email: "x@example.com", name: "X" }, ctxA.tenant, "owner"), invitationB.id), "not_found");

    expect(await openInvitationIds(ctxB)).toEqual([invitationB.id]);
    expect((await previewInvitation(invitationB.token)).tenantSlug).toBe(ctxB.tenant.slug);
  });
});
