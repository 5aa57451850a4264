import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, createTestUser, randomEmail, uniqueSuffix, type TestUser } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { resolveOidcUser } from "./oidc";
import { FREE_FAILURES, INVALID_CREDENTIALS, verifyCredentials } from "./sign-in";
import { emailTag, type SignInClient } from "./sign-in-audit";

const CLIENT: SignInClient = { sourceIp: "203.0.113.7", userAgent: "Mozilla/5.0 (sign-in test)" };

type EventRow = Record<string, unknown> & { action: string; tenant_id: string };

const eventsOf = (tenantId: string) => superuserQuery<EventRow>("select * from audit_events where tenant_id = $1 order by seq", [tenantId]);
const signInEventsOf = async (tenantId: string) => (await eventsOf(tenantId)).filter((e) => e.action.startsWith("auth."));

/** A user who owns one tenant and is a reviewer in another; and a tenant they have nothing to do with. */
async function userInTwoTenants(): Promise<{ user: TestUser; a: TenantContext; b: TenantContext; elsewhere: TenantContext }> {
  const user = await createTestUser({ password: `sign-in-password-${uniqueSuffix()}` });
  const a = await createTestTenant({ owner: user });
  const b = await createTestTenant();
  await superuserQuery("insert into memberships (id, tenant_id, user_id, role) values ($1, $2, $3, 'reviewer')", [`mem_${uniqueSuffix()}`, b.tenant.id, user.id]);
  const elsewhere = await createTestTenant();
  await createTestMember(elsewhere, "viewer");
  return { user, a, b, elsewhere };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a sign-in with a password", () => {
  it("is recorded in each of the user's tenants, with where it came from, and in no other", async () => {
    const { user, a, b, elsewhere } = await userInTwoTenants();

    await verifyCredentials(user.email, user.password, CLIENT);

    for (const ctx of [a, b]) {
      const events = await signInEventsOf(ctx.tenant.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "auth.signed_in",
        decision: "none",
        outcome: "ok",
        method: "password",
        actor_kind: "user",
        actor_id: user.id,
        actor_name: user.name,
        target_type: "user",
        target_id: user.id,
        target_name: user.email,
        source_ip: CLIENT.sourceIp,
        client_name: CLIENT.userAgent,
        reason: null,
      });
      expect(JSON.stringify(events)).not.toContain(user.password);
      expect((await verifyAuditChain(ctx)).ok).toBe(true);
    }
    expect(await signInEventsOf(elsewhere.tenant.id)).toEqual([]);
  });

  it("refused for a wrong password is recorded in each of the account's tenants with the reason, never the password tried", async () => {
    const { user, a, b, elsewhere } = await userInTwoTenants();
    const tried = `wrong-guess-${uniqueSuffix()}`;

    await expectAppError(verifyCredentials(user.email, tried, CLIENT), "unauthorized", INVALID_CREDENTIALS);

    for (const ctx of [a, b]) {
      const events = await signInEventsOf(ctx.tenant.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "auth.sign_in_failed",
        outcome: "denied",
        method: "password",
        // Whoever tried is not known: the account is the target, not the actor.
        actor_kind: null,
        actor_id: null,
        target_type: "user",
        target_id: user.id,
        target_name: user.email,
        reason: "wrong password",
        source_ip: CLIENT.sourceIp,
        client_name: CLIENT.userAgent,
      });
      expect(JSON.stringify(events)).not.toContain(tried);
    }
    expect(await signInEventsOf(elsewhere.tenant.id)).toEqual([]);
  });

  it("refused while the account is locked is recorded as locked, the right password included", async () => {
    const { user, a } = await userInTwoTenants();
    for (let i = 0; i < FREE_FAILURES; i++) await expectAppError(verifyCredentials(user.email, "not it at all", CLIENT), "unauthorized");

    await expectAppError(verifyCredentials(user.email, user.password, CLIENT), "rate_limited");

    const events = await signInEventsOf(a.tenant.id);
    expect(events.map((e) => [e.action, e.reason])).toEqual([
      ...Array.from({ length: FREE_FAILURES }, () => ["auth.sign_in_failed", "wrong password"]),
      ["auth.sign_in_failed", "locked"],
    ]);
    expect(JSON.stringify(events)).not.toContain(user.password);
  });

  it("for an email no account has leaves one log line, with neither the email nor the password, and no event", async () => {
    const { elsewhere } = await userInTwoTenants();
    const email = randomEmail("ghost");
    const password = `ghost-password-${uniqueSuffix()}`;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    await expectAppError(verifyCredentials(email, password, CLIENT), "unauthorized", INVALID_CREDENTIALS);

    const lines = warn.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`[auth] refused password sign-in (no such account) for email #${emailTag(email)} from ${CLIENT.sourceIp}`);
    for (const leaked of [email, email.split("@")[0]!, password]) expect(lines[0]).not.toContain(leaked);
    // The tag is the same for the same address, whatever its case, and differs between addresses.
    expect(emailTag(` ${email.toUpperCase()} `)).toBe(emailTag(email));
    expect(emailTag(randomEmail("other"))).not.toBe(emailTag(email));
    expect(await signInEventsOf(elsewhere.tenant.id)).toEqual([]);
    // Nor anywhere else: no tenant's event mentions the address.
    const mentions = await superuserQuery<{ n: number }>("select count(*)::int as n from audit_events where strpos(lower(row_to_json(audit_events)::text), $1) > 0", [email]);
    expect(mentions[0]!.n).toBe(0);
  });

  it("is refused, and its attempt not counted, when its event cannot be written", async () => {
    const { user, a } = await userInTwoTenants();
    const name = `test_refuse_sign_in_${uniqueSuffix()}`;
    await superuserQuery(`create function ${name}() returns trigger language plpgsql as $$
      begin if new.tenant_id = '${a.tenant.id}' then raise exception 'audit store refused the event'; end if; return new; end $$`);
    await superuserQuery(`create trigger ${name} before insert on audit_events for each row execute function ${name}()`);
    try {
      await expect(verifyCredentials(user.email, user.password, CLIENT)).rejects.toThrow();
      await expect(verifyCredentials(user.email, "a wrong one", CLIENT)).rejects.toThrow();
    } finally {
      await superuserQuery(`drop trigger ${name} on audit_events`);
      await superuserQuery(`drop function ${name}()`);
    }
    // Neither attempt committed anything: no events anywhere, no failure counted.
    expect(await signInEventsOf(a.tenant.id)).toEqual([]);
    expect(await superuserQuery("select failures from sign_in_throttle where email = $1", [user.email])).toEqual([]);
    expect((await verifyCredentials(user.email, user.password, CLIENT)).id).toBe(user.id);
    expect((await signInEventsOf(a.tenant.id)).map((e) => e.action)).toEqual(["auth.signed_in"]);
  });
});

describe("a sign-in with the identity provider", () => {
  it("is recorded in each of the user's tenants, first sign-in or not", async () => {
    const { user, a, b, elsewhere } = await userInTwoTenants();
    const identity = { issuer: "https://idp.example.com", subject: `sub-${uniqueSuffix()}`, email: user.email, emailVerified: true };

    await resolveOidcUser(identity, CLIENT); // links the identity to the existing account
    await resolveOidcUser(identity, { sourceIp: null, userAgent: null }); // signs in through the link

    for (const ctx of [a, b]) {
      const events = await signInEventsOf(ctx.tenant.id);
      expect(events.map((e) => [e.action, e.method, e.actor_id, e.source_ip, e.client_name])).toEqual([
        ["auth.signed_in", "oidc", user.id, CLIENT.sourceIp, CLIENT.userAgent],
        ["auth.signed_in", "oidc", user.id, null, null],
      ]);
    }
    expect(await signInEventsOf(elsewhere.tenant.id)).toEqual([]);
  });

  it("refused for an unverified email leaves one log line and no event, even when an account has that email", async () => {
    const { user, a } = await userInTwoTenants();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    await expectAppError(resolveOidcUser({ issuer: "https://idp.example.com", subject: `sub-${uniqueSuffix()}`, email: user.email, emailVerified: false }, CLIENT), "forbidden");

    const lines = warn.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toEqual([`[auth] refused oidc sign-in (no verified email from the identity provider) for email #${emailTag(user.email)} from ${CLIENT.sourceIp}`]);
    expect(await signInEventsOf(a.tenant.id)).toEqual([]);
  });
});
