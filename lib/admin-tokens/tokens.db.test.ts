import { describe, expect, it } from "vitest";
import { sha256 } from "@/lib/crypto";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, userIdOf } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { ADMIN_TOKEN_PREFIX, authenticateAdminToken, createAdminToken, listAdminTokens, revokeAdminToken } from "./tokens";

const tokenRow = async (id: string) =>
  (await superuserQuery<{ token_hash: string; display_prefix: string; created_by: string | null; tenant_id: string; last_used_at: Date | null }>(
    "select token_hash, display_prefix, created_by, tenant_id, last_used_at from admin_tokens where id = $1",
    [id],
  ))[0];

const tokensOfTenant = async (tenantId: string) =>
  Number((await superuserQuery<{ n: number }>("select count(*)::int as n from admin_tokens where tenant_id = $1", [tenantId]))[0]!.n);

describe("createAdminToken", () => {
  it("returns the secret once and stores only its hash", async () => {
    const ctx = await createTestTenant();

    const { token, secret } = await createAdminToken(ctx, { name: " deploy bot ", role: "reviewer", expiresInDays: 30 });

    expect(secret).toMatch(/^gth_adm_[0-9A-Za-z]{40}$/);
    expect(token).toMatchObject({ name: "deploy bot", role: "reviewer", displayPrefix: secret.slice(0, ADMIN_TOKEN_PREFIX.length + 6), lastUsedAt: null, revokedAt: null });
    expect(token.id).toMatch(/^tok_/);
    expect(token).not.toHaveProperty("secret");
    expect(token).not.toHaveProperty("tokenHash");
    const days = (token.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const row = await tokenRow(token.id);
    expect(row).toMatchObject({ token_hash: sha256(secret), tenant_id: ctx.tenant.id, created_by: userIdOf(ctx) });
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("defaults to the admin role and 90 days; null days means no expiry", async () => {
    const ctx = await createTestTenant();
    const { token } = await createAdminToken(ctx, { name: "defaults" });
    expect(token.role).toBe("admin");
    expect(Math.round((token.expiresAt!.getTime() - Date.now()) / 86_400_000)).toBe(90);

    const { token: forever } = await createAdminToken(ctx, { name: "forever", expiresInDays: null });
    expect(forever.expiresAt).toBeNull();
  });

  it("refuses an owner-role token and creates nothing", async () => {
    const ctx = await createTestTenant();
    const error = await expectAppError(createAdminToken(ctx, { name: "root", role: "owner" as never }), "validation_failed");
    expect(error.fields?.role).toEqual(["Choose one of: admin, reviewer, auditor, viewer."]);
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(0);
  });

  it.each([
    [0, "A token lives at least 1 day."],
    [366, "A token lives at most 365 days."],
    [1.5, "Enter a whole number of days."],
    ["soon", "Enter a number of days."],
  ])("refuses expiresInDays %j and creates nothing", async (days, message) => {
    const ctx = await createTestTenant();
    const error = await expectAppError(createAdminToken(ctx, { name: "bad", expiresInDays: days as never }), "validation_failed");
    expect(error.fields?.expiresInDays).toEqual([message]);
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(0);
  });

  it("accepts the bounds 1 and 365 days", async () => {
    const ctx = await createTestTenant();
    await createAdminToken(ctx, { name: "short", expiresInDays: 1 });
    await createAdminToken(ctx, { name: "long", expiresInDays: 365 });
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(2);
  });

  it("refuses an empty name and creates nothing", async () => {
    const ctx = await createTestTenant();
    await expectAppError(createAdminToken(ctx, { name: "   " }), "validation_failed", "name: Give the token a name.");
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(0);
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and creates nothing", async (role) => {
    const ctx = await createTestTenant();
    const member = await createTestMember(ctx, role);
    await expectAppError(createAdminToken(member.ctx, { name: "sneaky" }), "forbidden");
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(0);
  });

  it("lets an admin create tokens", async () => {
    const ctx = await createTestTenant();
    const admin = await createTestMember(ctx, "admin");
    await createAdminToken(admin.ctx, { name: "by admin" });
    expect(await tokensOfTenant(ctx.tenant.id)).toBe(1);
  });
});

describe("listAdminTokens", () => {
  it("lists the tenant's tokens, newest first, without secret or hash", async () => {
    const ctx = await createTestTenant();
    const first = await createAdminToken(ctx, { name: "first" });
    const second = await createAdminToken(ctx, { name: "second" });
    await createAdminToken(await createTestTenant(), { name: "elsewhere" });

    const list = await listAdminTokens(ctx);

    expect(list.map((t) => t.name)).toEqual(["second", "first"]);
    const text = JSON.stringify(list);
    for (const { secret } of [first, second]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(sha256(secret));
    }
    for (const token of list) expect(Object.keys(token).sort()).toEqual(["createdAt", "displayPrefix", "expiresAt", "id", "lastUsedAt", "name", "revokedAt", "role"]);
  });

  it("is readable by an auditor but not by a viewer", async () => {
    const ctx = await createTestTenant();
    await createAdminToken(ctx, { name: "t" });
    expect(await listAdminTokens((await createTestMember(ctx, "auditor")).ctx)).toHaveLength(1);
    await expectAppError(listAdminTokens((await createTestMember(ctx, "viewer")).ctx), "forbidden");
  });
});

describe("authenticateAdminToken", () => {
  it("yields the token's tenant and role, acting as the token", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci", role: "auditor" });

    expect(await authenticateAdminToken(secret)).toEqual({
      tenant: ctx.tenant,
      actor: { kind: "token", tokenId: token.id, name: "ci" },
      role: "auditor",
    });
  });

  it("records when the token was last used", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci" });
    const before = Date.now();

    await authenticateAdminToken(secret);

    const [listed] = await listAdminTokens(ctx);
    expect(listed!.id).toBe(token.id);
    expect(listed!.lastUsedAt).not.toBeNull();
    expect(listed!.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // Within a minute, a second use does not write again.
    const first = listed!.lastUsedAt!.getTime();
    await authenticateAdminToken(secret);
    expect((await tokenRow(token.id))!.last_used_at!.getTime()).toBe(first);
  });

  it("refreshes last_used_at once the last write is over a minute old", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci" });
    await superuserQuery("update admin_tokens set last_used_at = now() - interval '10 minutes' where id = $1", [token.id]);

    await authenticateAdminToken(secret);

    expect(Date.now() - (await tokenRow(token.id))!.last_used_at!.getTime()).toBeLessThan(60_000);
  });

  it("refuses a revoked token, in the next request", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci" });
    expect(await authenticateAdminToken(secret)).not.toBeNull();

    await revokeAdminToken(ctx, token.id);

    expect(await authenticateAdminToken(secret)).toBeNull();
    const [listed] = await listAdminTokens(ctx);
    expect(listed!.revokedAt).not.toBeNull();
    // Revoking again keeps the first revocation time.
    await revokeAdminToken(ctx, token.id);
    expect((await listAdminTokens(ctx))[0]!.revokedAt).toEqual(listed!.revokedAt);
  });

  it("refuses an expired token", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci" });
    await superuserQuery("update admin_tokens set expires_at = now() - interval '1 second' where id = $1", [token.id]);
    expect(await authenticateAdminToken(secret)).toBeNull();
  });

  it.each([
    ["an empty string", ""],
    ["garbage", "not a token at all"],
    ["the prefix alone", ADMIN_TOKEN_PREFIX],
    ["an unknown token", `${ADMIN_TOKEN_PREFIX}abcdefghijklmnopqrstuvwxyz0123456789ABCD`],
    ["an over-long token", `${ADMIN_TOKEN_PREFIX}${"a".repeat(500)}`],
    ["an invitation-style token", "gth_inv_abcdefghijklmnopqrstuvwxyz0123456789ABCD"],
    ["a bearer header", `Bearer ${ADMIN_TOKEN_PREFIX}abc`],
    ["SQL", `${ADMIN_TOKEN_PREFIX}' or '1'='1`],
  ])("refuses %s", async (_label, secret) => {
    expect(await authenticateAdminToken(secret)).toBeNull();
  });

  it("refuses a known token's hash presented as the token", async () => {
    const ctx = await createTestTenant();
    const { secret } = await createAdminToken(ctx, { name: "ci" });
    expect(await authenticateAdminToken(sha256(secret))).toBeNull();
    expect(await authenticateAdminToken(`${ADMIN_TOKEN_PREFIX}${sha256(secret)}`)).toBeNull();
  });

  it("never yields another tenant than the token's own", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    const a = await createAdminToken(ctxA, { name: "a" });
    const b = await createAdminToken(ctxB, { name: "b" });

    expect((await authenticateAdminToken(a.secret))?.tenant.id).toBe(ctxA.tenant.id);
    expect((await authenticateAdminToken(b.secret))?.tenant.id).toBe(ctxB.tenant.id);
  });
});

describe("revokeAdminToken", () => {
  it("a context of tenant A cannot see or revoke a token of tenant B", async () => {
    const ctxA = await createTestTenant();
    const ctxB = await createTestTenant();
    const b = await createAdminToken(ctxB, { name: "b" });

    expect(await listAdminTokens(ctxA)).toEqual([]);
    await expectAppError(revokeAdminToken(ctxA, b.token.id), "not_found", "The token was not found.");

    expect((await authenticateAdminToken(b.secret))?.tenant.id).toBe(ctxB.tenant.id);
    expect((await listAdminTokens(ctxB))[0]!.revokedAt).toBeNull();
  });

  it("is not found for an unknown id", async () => {
    const ctx = await createTestTenant();
    await expectAppError(revokeAdminToken(ctx, "tok_doesnotexist"), "not_found");
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and changes nothing", async (role) => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "ci" });
    const member = await createTestMember(ctx, role);
    await expectAppError(revokeAdminToken(member.ctx, token.id), "forbidden");
    expect(await authenticateAdminToken(secret)).not.toBeNull();
  });

  it("a token's own context (admin role) may revoke tokens, itself included", async () => {
    const ctx = await createTestTenant();
    const { token, secret } = await createAdminToken(ctx, { name: "self" });
    const tokenCtx = (await authenticateAdminToken(secret))!;
    await revokeAdminToken(tokenCtx, token.id);
    expect(await authenticateAdminToken(secret)).toBeNull();
  });
});
