import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { expectAppError } from "@/test/assertions";
import { contextFor, createTestMember, createTestTenant, createTestUser, randomEmail, userIdOf, type TestMember } from "@/test/factories";
import { connectAsSuperuser, isEmbedded, superuserQuery } from "@/test/superuser";
import type { TenantContext } from "./context";
import { listInvitations } from "./invitations";
import { addMember, changeMemberRole, listMembers, removeMember } from "./members";
import { findMembership, listTenantsForUser } from "./tenants";

/** Everything about a tenant's people that a failed call must leave as it was. */
async function snapshot(ctx: TenantContext) {
  const owner = { ...ctx, role: "owner" as const };
  const members = (await listMembers(owner)).map((m) => ({ id: m.id, userId: m.userId, role: m.role })).sort((a, b) => a.id.localeCompare(b.id));
  const invitations = (await listInvitations(owner)).map((i) => ({ id: i.id, email: i.email, role: i.role }));
  return { members, invitations };
}

const usersWithEmail = async (email: string) =>
  Number((await superuserQuery<{ n: number }>("select count(*)::int as n from users where lower(email) = lower($1)", [email]))[0]!.n);

/**
 * Two owners of a fresh tenant turn on each other at the same time. Checks
 * that exactly one owner remains and exactly one call succeeded; returns how
 * the other failed: an AppError's code, or the text of anything else.
 *
 * On Postgres the worst interleaving is forced rather than hoped for: two
 * superuser transactions hold the two owners' rows, so each call waits on its
 * target; the row of the second call's target is let go first, and the other
 * once both calls wait again.
 */
async function raceOwners(race: (ctx: TenantContext, other: TestMember, ownMembershipId: string) => Promise<unknown>[]): Promise<string> {
  const ctx = await createTestTenant();
  const other = await createTestMember(ctx, "owner");
  const own = (await findMembership(userIdOf(ctx), ctx.tenant.slug))!;

  let results: PromiseSettledResult<unknown>[];
  if (isEmbedded()) {
    results = await Promise.allSettled(race(ctx, other, own.membershipId));
  } else {
    const [holdOwn, holdOther, observer] = await Promise.all([connectAsSuperuser(), connectAsSuperuser(), connectAsSuperuser()]);
    const blocked = async () =>
      (await observer.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0",
      )).rows[0]!.n;
    const untilTwoWait = async () => {
      for (let i = 0; i < 100 && (await blocked()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      for (const [client, id] of [[holdOwn, own.membershipId], [holdOther, other.membershipId]] as const) {
        await client.query("begin");
        await client.query("select id from memberships where id = $1 for update", [id]);
      }
      const pending = Promise.allSettled(race(ctx, other, own.membershipId));
      await untilTwoWait();
      await holdOwn.query("commit");
      await untilTwoWait();
      await holdOther.query("commit");
      results = await pending;
    } finally {
      await Promise.all([holdOwn.end(), holdOther.end(), observer.end()]);
    }
  }

  expect((await listMembers(ctx)).filter((m) => m.role === "owner")).toHaveLength(1);
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  const reason: unknown = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!.reason;
  return isAppError(reason) ? reason.code : `${String(reason)} (${String((reason as { cause?: { code?: string } }).cause?.code)})`;
}

describe("addMember", () => {
  it("makes an existing account a member at once, with the given role", async () => {
    const ctx = await createTestTenant();
    const user = await createTestUser({ name: "Rita Reviewer" });

    const result = await addMember(ctx, { email: user.email, role: "reviewer" });

    expect(result.kind).toBe("member");
    if (result.kind !== "member") return;
    expect(result.member).toMatchObject({ userId: user.id, email: user.email, name: "Rita Reviewer", role: "reviewer" });
    expect(result.member.id).toMatch(/^mem_/);
    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("reviewer");
    expect((await listMembers(ctx)).map((m) => m.userId).sort()).toEqual([userIdOf(ctx), user.id].sort());
  });

  it("finds the existing account whatever the case and spacing of the email", async () => {
    const ctx = await createTestTenant();
    const user = await createTestUser();
    const result = await addMember(ctx, { email: `  ${user.email.toUpperCase()} `, role: "viewer" });
    expect(result.kind).toBe("member");
    expect(await usersWithEmail(user.email)).toBe(1);
  });

  it("invites an unknown email with a one-time link and creates no account", async () => {
    const ctx = await createTestTenant();
    const email = randomEmail("newcomer");

    const result = await addMember(ctx, { email: email.toUpperCase(), role: "auditor" });

    expect(result.kind).toBe("invitation");
    if (result.kind !== "invitation") return;
    const { invitation } = result;
    expect(invitation).toMatchObject({ email, role: "auditor", expired: false });
    expect(invitation.token).toMatch(/^gth_inv_[0-9A-Za-z]{40}$/);
    expect(invitation.path).toBe(`/invite/${invitation.token}`);
    expect(invitation.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(await usersWithEmail(email)).toBe(0);

    const listed = await listInvitations(ctx);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: invitation.id, email, role: "auditor" });
    expect(listed[0]).not.toHaveProperty("token");
    expect(JSON.stringify(listed)).not.toContain(invitation.token);
  });

  it("refuses to add a member twice and changes nothing", async () => {
    const ctx = await createTestTenant();
    const { user } = await createTestMember(ctx, "viewer");
    const before = await snapshot(ctx);

    await expectAppError(addMember(ctx, { email: user.email, role: "admin" }), "conflict", `${user.email} is already a member of ${ctx.tenant.name}.`);

    expect(await snapshot(ctx)).toEqual(before);
    expect((await findMembership(user.id, ctx.tenant.slug))?.role).toBe("viewer");
  });

  it.each(["not-an-email", "", "a@b", "two@@example.com", `${"x".repeat(250)}@example.com`])(
    "refuses the invalid email %j on the email field and changes nothing",
    async (email) => {
      const ctx = await createTestTenant();
      const before = await snapshot(ctx);
      const error = await expectAppError(addMember(ctx, { email, role: "viewer" }), "validation_failed");
      expect(error.fields?.email?.length).toBeGreaterThan(0);
      expect(error.status).toBe(422);
      expect(await snapshot(ctx)).toEqual(before);
    },
  );

  it.each(["superuser", "", "OWNER"])("refuses the invalid role %j on the role field and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const user = await createTestUser();
    const before = await snapshot(ctx);
    const error = await expectAppError(addMember(ctx, { email: user.email, role: role as never }), "validation_failed");
    expect(error.fields?.role).toEqual(["Choose one of: owner, admin, reviewer, auditor, viewer."]);
    expect(await snapshot(ctx)).toEqual(before);
  });

  it("lets an owner add another owner", async () => {
    const ctx = await createTestTenant();
    const user = await createTestUser();
    const result = await addMember(ctx, { email: user.email, role: "owner" });
    expect(result.kind === "member" && result.member.role).toBe("owner");
  });

  it("lets an admin add non-owners, but neither an owner nor an invitation to become one", async () => {
    const ctx = await createTestTenant();
    const admin = await createTestMember(ctx, "admin");
    const user = await createTestUser();
    const before = await snapshot(ctx);

    await expectAppError(addMember(admin.ctx, { email: user.email, role: "owner" }), "forbidden", /manage owners|owners/);
    await expectAppError(addMember(admin.ctx, { email: randomEmail(), role: "owner" }), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);

    const added = await addMember(admin.ctx, { email: user.email, role: "admin" });
    expect(added.kind === "member" && added.member.role).toBe("admin");
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s, even for an invitation, and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, role);
    const user = await createTestUser();
    const before = await snapshot(ctx);

    const error = await expectAppError(addMember(member.ctx, { email: user.email, role: "viewer" }), "forbidden", `Your role (${role}) does not allow this: invite members, change their roles, remove them.`);
    expect(error.status).toBe(403);
    await expectAppError(addMember(member.ctx, { email: randomEmail(), role: "viewer" }), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);
  });
});

describe("changeMemberRole", () => {
  it("changes a member's role, seen at once by findMembership and listMembers", async () => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, "viewer");

    const changed = await changeMemberRole(ctx, member.membershipId, { role: "reviewer" });

    expect(changed).toMatchObject({ id: member.membershipId, userId: member.user.id, role: "reviewer" });
    expect((await findMembership(member.user.id, ctx.tenant.slug))?.role).toBe("reviewer");
    expect((await listMembers(ctx)).find((m) => m.id === member.membershipId)?.role).toBe("reviewer");
  });

  it("accepts the member's current role as a no-op", async () => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, "auditor");
    expect((await changeMemberRole(ctx, member.membershipId, { role: "auditor" })).role).toBe("auditor");
  });

  it("refuses an invalid role and changes nothing", async () => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, "viewer");
    const before = await snapshot(ctx);
    const error = await expectAppError(changeMemberRole(ctx, member.membershipId, { role: "god" }), "validation_failed");
    expect(Object.keys(error.fields ?? {})).toEqual(["role"]);
    expect(await snapshot(ctx)).toEqual(before);
  });

  it("is not found for a membership id that does not exist", async () => {
    const ctx = await createTestTenant();
    await expectAppError(changeMemberRole(ctx, "mem_doesnotexist", { role: "viewer" }), "not_found", "The member was not found.");
  });

  it("lets owners promote to owner and demote an owner while another remains", async () => {
    const ctx = await createTestTenant();
    const second = await createTestMember(ctx, "admin");
    await changeMemberRole(ctx, second.membershipId, { role: "owner" });

    const firstMembership = (await findMembership(userIdOf(ctx), ctx.tenant.slug))!;
    const secondAsOwner = contextFor(second.user, ctx.tenant, "owner");
    await changeMemberRole(secondAsOwner, firstMembership.membershipId, { role: "viewer" });

    expect((await findMembership(userIdOf(ctx), ctx.tenant.slug))?.role).toBe("viewer");
    expect((await findMembership(second.user.id, ctx.tenant.slug))?.role).toBe("owner");
  });

  it("refuses an admin who promotes to owner or demotes an owner, and changes nothing", async () => {
    const ctx = await createTestTenant();
    const admin = await createTestMember(ctx, "admin");
    const viewer = await createTestMember(ctx, "viewer");
    const coOwner = await createTestMember(ctx, "owner");
    const before = await snapshot(ctx);

    await expectAppError(changeMemberRole(admin.ctx, viewer.membershipId, { role: "owner" }), "forbidden");
    await expectAppError(changeMemberRole(admin.ctx, admin.membershipId, { role: "owner" }), "forbidden");
    await expectAppError(changeMemberRole(admin.ctx, coOwner.membershipId, { role: "viewer" }), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);

    // Non-owner changes are an admin's to make.
    await changeMemberRole(admin.ctx, viewer.membershipId, { role: "reviewer" });
    expect((await findMembership(viewer.user.id, ctx.tenant.slug))?.role).toBe("reviewer");
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, role);
    const other = await createTestMember(ctx, "viewer");
    const before = await snapshot(ctx);
    await expectAppError(changeMemberRole(member.ctx, other.membershipId, { role: "admin" }), "forbidden");
    await expectAppError(changeMemberRole(member.ctx, member.membershipId, { role: "admin" }), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);
  });

  it("refuses to demote the last owner and changes nothing", async () => {
    const ctx = await createTestTenant();
    await createTestMember(ctx, "admin");
    const own = (await findMembership(userIdOf(ctx), ctx.tenant.slug))!;
    const before = await snapshot(ctx);

    for (const role of ["admin", "reviewer", "auditor", "viewer"]) {
      await expectAppError(changeMemberRole(ctx, own.membershipId, { role }), "conflict", /is the last owner of .*Make another member an owner first\./);
    }
    expect(await snapshot(ctx)).toEqual(before);
    expect((await findMembership(userIdOf(ctx), ctx.tenant.slug))?.role).toBe("owner");
  });

  it("keeps one owner when two owners demote each other at the same time, and tells the loser why", async () => {
    const loser = await raceOwners((ctx, other, own) => [
      changeMemberRole(ctx, other.membershipId, { role: "admin" }),
      changeMemberRole(other.ctx, own, { role: "admin" }),
    ]);
    // A person must get a conflict they can act on, never an internal (deadlock) error.
    expect(loser).toBe("conflict");
  });
});

describe("removeMember", () => {
  it("removes a member, who loses access at once", async () => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, "admin");
    expect(await findMembership(member.user.id, ctx.tenant.slug)).toBeDefined();

    await removeMember(ctx, member.membershipId);

    expect(await findMembership(member.user.id, ctx.tenant.slug)).toBeUndefined();
    expect(await listTenantsForUser(member.user.id)).toEqual([]);
    expect((await listMembers(ctx)).map((m) => m.userId)).toEqual([userIdOf(ctx)]);
    // Removing again: the membership is gone.
    await expectAppError(removeMember(ctx, member.membershipId), "not_found");
  });

  it("keeps the user's other tenants", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    const user = await createTestUser();
    const inA = await addMember(ctxA, { email: user.email, role: "viewer" });
    await addMember(ctxB, { email: user.email, role: "viewer" });

    await removeMember(ctxA, inA.kind === "member" ? inA.member.id : "");

    expect((await listTenantsForUser(user.id)).map((m) => m.tenant.id)).toEqual([ctxB.tenant.id]);
  });

  it("refuses to remove the last owner and changes nothing", async () => {
    const ctx = await createTestTenant();
    await createTestMember(ctx, "viewer");
    const own = (await findMembership(userIdOf(ctx), ctx.tenant.slug))!;
    const before = await snapshot(ctx);

    await expectAppError(removeMember(ctx, own.membershipId), "conflict", /last owner/);

    expect(await snapshot(ctx)).toEqual(before);
  });

  it("lets an owner remove another owner while one remains", async () => {
    const ctx = await createTestTenant();
    const other = await createTestMember(ctx, "owner");
    await removeMember(ctx, other.membershipId);
    expect(await findMembership(other.user.id, ctx.tenant.slug)).toBeUndefined();
  });

  it("refuses an admin who removes an owner, and changes nothing", async () => {
    const ctx = await createTestTenant();
    const admin = await createTestMember(ctx, "admin");
    const coOwner = await createTestMember(ctx, "owner");
    const before = await snapshot(ctx);
    await expectAppError(removeMember(admin.ctx, coOwner.membershipId), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, role);
    const other = await createTestMember(ctx, "viewer");
    const before = await snapshot(ctx);
    await expectAppError(removeMember(member.ctx, other.membershipId), "forbidden");
    expect(await snapshot(ctx)).toEqual(before);
  });

  it("keeps one owner when two owners remove each other at the same time, and tells the loser why", async () => {
    const loser = await raceOwners((ctx, other, own) => [removeMember(ctx, other.membershipId), removeMember(other.ctx, own)]);
    expect(loser).toBe("conflict");
  });
});

describe("across tenants", () => {
  it("a context of tenant A cannot read, change or remove a membership of tenant B", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    const memberB = await createTestMember(ctxB, "viewer");
    const ownB = (await findMembership(userIdOf(ctxB), ctxB.tenant.slug))!;
    const before = await snapshot(ctxB);

    expect((await listMembers(ctxA)).map((m) => m.id)).not.toContain(memberB.membershipId);
    await expectAppError(changeMemberRole(ctxA, memberB.membershipId, { role: "admin" }), "not_found", "The member was not found.");
    await expectAppError(changeMemberRole(ctxA, ownB.membershipId, { role: "viewer" }), "not_found");
    await expectAppError(removeMember(ctxA, memberB.membershipId), "not_found", "The member was not found.");
    await expectAppError(removeMember(ctxA, ownB.membershipId), "not_found");

    expect(await snapshot(ctxB)).toEqual(before);
    expect((await findMembership(memberB.user.id, ctxB.tenant.slug))?.role).toBe("viewer");
  });

  it("a member of tenant A is no member of tenant B", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    expect(await findMembership(userIdOf(ctxA), ctxB.tenant.slug)).toBeUndefined();
  });
});
