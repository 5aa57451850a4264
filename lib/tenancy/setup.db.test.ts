import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectAppError } from "@/test/assertions";
import { usePrivateDatabase } from "@/test/private-database";
import { superuserQuery } from "@/test/superuser";
import type { SetupInput } from "./setup";

// First-run setup only works on a database without users, so this file gets an
// empty database of its own and empties it before each test. lib/ is imported
// only after that, so that lib/env reads the private database's address.
const removeDatabase = await usePrivateDatabase();
afterAll(removeDatabase);

const { getDatabase } = await import("@/db/client");
const { completeSetup } = await import("./setup");
const { countUsers, findUserByEmail } = await import("@/lib/auth/users");
const { verifyCredentials } = await import("@/lib/auth/sign-in");
const { findMembership, listTenantsForUser } = await import("./tenants");

await getDatabase(); // migrates

beforeEach(async () => {
  await superuserQuery("truncate users, tenants, sign_in_throttle cascade");
});

const ALREADY = "Gatehouse is already set up. Sign in, or ask an owner to invite you.";

const input = (overrides: Partial<SetupInput> = {}): SetupInput => ({
  name: "Olga Owner",
  email: "olga@example.com",
  password: "correct horse battery staple",
  tenantName: "Acme",
  tenantSlug: "acme",
  ...overrides,
});

const countTenants = async () => Number((await superuserQuery<{ n: number }>("select count(*)::int as n from tenants"))[0]!.n);

describe("completeSetup", () => {
  it("creates the first user as owner of the first tenant", async () => {
    const { user, tenant } = await completeSetup(input({ email: " Olga@Example.COM ", tenantSlug: "ACME" }));

    expect(user).toMatchObject({ email: "olga@example.com", name: "Olga Owner" });
    expect(tenant).toMatchObject({ slug: "acme", name: "Acme" });
    expect(await countUsers()).toBe(1);
    expect((await findMembership(user.id, "acme"))?.role).toBe("owner");
    expect((await listTenantsForUser(user.id)).map((m) => m.tenant.id)).toEqual([tenant.id]);
    expect((await verifyCredentials("olga@example.com", "correct horse battery staple")).id).toBe(user.id);
  });

  it("begins the tenant's audit chain with tenant.created by its first owner", async () => {
    const { user, tenant } = await completeSetup(input());

    const events = await superuserQuery("select seq, action, actor_kind, actor_id, target_type, target_id, after from audit_events where tenant_id = $1 order by seq", [tenant.id]);
    expect(events).toEqual([
      {
        seq: "1",
        action: "tenant.created",
        actor_kind: "user",
        actor_id: user.id,
        target_type: "tenant",
        target_id: tenant.id,
        after: { slug: "acme", name: "Acme", approvalWaitSeconds: 30, owner: { userId: user.id, email: "olga@example.com", name: "Olga Owner", membershipId: expect.any(String) } },
      },
    ]);
  });

  it("is a conflict once a user exists, and creates nothing", async () => {
    await completeSetup(input());

    await expectAppError(completeSetup(input({ email: "mallory@example.com", tenantSlug: "evil" })), "conflict", ALREADY);

    expect(await countUsers()).toBe(1);
    expect(await countTenants()).toBe(1);
    expect(await findUserByEmail("mallory@example.com")).toBeUndefined();
  });

  it("creates exactly one owner when run twice at once", async () => {
    const results = await Promise.allSettled([
      completeSetup(input({ email: "first@example.com", tenantSlug: "first" })),
      completeSetup(input({ email: "second@example.com", tenantSlug: "second" })),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(rejected.reason).toMatchObject({ code: "conflict", message: ALREADY });
    expect(await countUsers()).toBe(1);
    expect(await countTenants()).toBe(1);
  });

  it.each([
    ["an invalid email", { email: "not-an-email" }, "email"],
    ["a short password", { password: "short" }, "password"],
    ["a reserved slug", { tenantSlug: "setup" }, "tenantSlug"],
    ["a malformed slug", { tenantSlug: "a--b" }, "tenantSlug"],
    ["an empty name", { name: " " }, "name"],
    ["an empty tenant name", { tenantName: "" }, "tenantName"],
  ])("refuses %s on its field and creates nothing", async (_label, overrides, field) => {
    const error = await expectAppError(completeSetup(input(overrides)), "validation_failed");
    expect(Object.keys(error.fields ?? {})).toEqual([field]);
    expect(await countUsers()).toBe(0);
    expect(await countTenants()).toBe(0);
  });

  it("leaves no user behind when the tenant cannot be created", async () => {
    // A tenant without users (left over from an earlier life of the database) holds the slug.
    await superuserQuery("insert into tenants (id, slug, name) values ('tnt_leftover', 'acme', 'Leftover')");

    await expectAppError(completeSetup(input()), "conflict", /slug "acme" is taken/);

    expect(await countUsers()).toBe(0);
    expect(await countTenants()).toBe(1);
    // Nothing half-done: a second try with another slug succeeds.
    await completeSetup(input({ tenantSlug: "acme-2" }));
    expect(await countUsers()).toBe(1);
  });
});
