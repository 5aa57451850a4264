import { describe, expect, it } from "vitest";
import { expectAppError } from "@/test/assertions";
import { contextFor, createTestTenant, createTestUser, randomSlug, userIdOf } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { createTenant, findMembership, listTenantsForUser, updateTenant } from "./tenants";

const countTenants = async (slug: string) =>
  Number((await superuserQuery<{ n: number }>("select count(*)::int as n from tenants where slug = $1", [slug]))[0]!.n);

describe("createTenant", () => {
  it("creates the tenant with its creator as owner", async () => {
    const user = await createTestUser();
    const slug = randomSlug();
    const tenant = await createTenant(user.id, { slug, name: "  Acme Corp  " });

    expect(tenant).toMatchObject({ slug, name: "Acme Corp" });
    expect(tenant.id).toMatch(/^tnt_/);
    const membership = await findMembership(user.id, slug);
    expect(membership).toMatchObject({ role: "owner", tenant: { id: tenant.id, slug } });
    expect(membership!.membershipId).toMatch(/^mem_/);
  });

  it("normalises an uppercase slug to lowercase", async () => {
    const user = await createTestUser();
    const slug = randomSlug();
    const tenant = await createTenant(user.id, { slug: slug.toUpperCase(), name: "Upper" });
    expect(tenant.slug).toBe(slug);
  });

  it("refuses a taken slug with a conflict on the slug field and creates nothing", async () => {
    const first = await createTestTenant();
    const other = await createTestUser();

    const error = await expectAppError(createTenant(other.id, { slug: first.tenant.slug, name: "Copycat" }), "conflict", /slug .* is taken/);
    expect(error.fields).toEqual({ slug: ["This slug is taken."] });
    expect(error.status).toBe(409);

    expect(await countTenants(first.tenant.slug)).toBe(1);
    expect(await listTenantsForUser(other.id)).toEqual([]);
    // The original tenant still belongs to its owner alone.
    expect((await findMembership(userIdOf(first), first.tenant.slug))?.role).toBe("owner");
    expect(await findMembership(other.id, first.tenant.slug)).toBeUndefined();
  });

  it("refuses a taken slug in another case", async () => {
    const first = await createTestTenant();
    const other = await createTestUser();
    await expectAppError(createTenant(other.id, { slug: first.tenant.slug.toUpperCase(), name: "Copycat" }), "conflict");
    expect(await listTenantsForUser(other.id)).toEqual([]);
  });

  it.each(["api", "setup", "sign-in", "t", "admin"])("refuses the reserved slug %j and creates nothing", async (slug) => {
    const user = await createTestUser();
    const error = await expectAppError(createTenant(user.id, { slug, name: "Reserved" }), "validation_failed");
    expect(error.fields?.slug).toBeDefined();
    expect(await listTenantsForUser(user.id)).toEqual([]);
  });

  it("refuses a malformed slug and an empty name, naming each field, and creates nothing", async () => {
    const user = await createTestUser();
    const error = await expectAppError(createTenant(user.id, { slug: "-bad-", name: "   " }), "validation_failed");
    expect(Object.keys(error.fields ?? {}).sort()).toEqual(["name", "slug"]);
    expect(await countTenants("-bad-")).toBe(0);
    expect(await listTenantsForUser(user.id)).toEqual([]);
  });
});

describe("listTenantsForUser", () => {
  it("lists only the user's own tenants, with their role in each, by name", async () => {
    const user = await createTestUser();
    const b = await createTestTenant({ owner: user, name: "Bravo" });
    const a = await createTestTenant({ owner: user, name: "Alpha" });
    await createTestTenant({ name: "Someone else's" });

    const list = await listTenantsForUser(user.id);
    expect(list.map((m) => [m.tenant.slug, m.role])).toEqual([
      [a.tenant.slug, "owner"],
      [b.tenant.slug, "owner"],
    ]);
  });

  it("is empty for a user without memberships and for an unknown user id", async () => {
    const user = await createTestUser();
    expect(await listTenantsForUser(user.id)).toEqual([]);
    expect(await listTenantsForUser("usr_doesnotexist")).toEqual([]);
  });
});

describe("findMembership", () => {
  it("is undefined for a non-member and for a slug that does not exist, alike", async () => {
    const ctx = await createTestTenant();
    const outsider = await createTestUser();

    expect(await findMembership(outsider.id, ctx.tenant.slug)).toBeUndefined();
    expect(await findMembership(outsider.id, randomSlug("nope"))).toBeUndefined();
  });

  it("is undefined for a string that is no valid slug", async () => {
    const ctx = await createTestTenant();
    const userId = userIdOf(ctx);
    for (const slug of ["", "x", "a b", "../etc", `${ctx.tenant.slug}'--`]) {
      expect(await findMembership(userId, slug)).toBeUndefined();
    }
  });

  it("finds the membership by a slug in any case", async () => {
    const ctx = await createTestTenant();
    const userId = userIdOf(ctx);
    expect((await findMembership(userId, ctx.tenant.slug.toUpperCase()))?.tenant.id).toBe(ctx.tenant.id);
  });
});

describe("updateTenant", () => {
  it("renames the tenant for an owner or admin", async () => {
    const ctx = await createTestTenant();
    const renamed = await updateTenant(ctx, { name: " New name " });
    expect(renamed).toMatchObject({ id: ctx.tenant.id, slug: ctx.tenant.slug, name: "New name" });

    const asAdmin = contextFor({ id: "usr_x", email: "x@example.com", name: "X" }, ctx.tenant, "admin");
    expect((await updateTenant(asAdmin, { name: "By admin" })).name).toBe("By admin");
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("refuses a member with role %s and changes nothing", async (role) => {
    const ctx = await createTestTenant({ name: "Original" });
    await expectAppError(updateTenant({ ...ctx, role }, { name: "Hijacked" }), "forbidden");
    const userId = userIdOf(ctx);
    expect((await findMembership(userId, ctx.tenant.slug))?.tenant.name).toBe("Original");
  });

  it("refuses an empty name and changes nothing", async () => {
    const ctx = await createTestTenant({ name: "Original" });
    await expectAppError(updateTenant(ctx, { name: "  " }), "validation_failed", /name/);
    const userId = userIdOf(ctx);
    expect((await findMembership(userId, ctx.tenant.slug))?.tenant.name).toBe("Original");
  });
});
