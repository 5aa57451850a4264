import { randomBytes } from "node:crypto";
import { insertUser, type User } from "@/lib/auth/users";
import { transaction } from "@/lib/db";
import type { ConsoleRole } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { addMember } from "@/lib/tenancy/members";
import { createTenant } from "@/lib/tenancy/tenants";

// Every test makes its own tenants and users with random slugs and emails, so
// tests never see each other's rows and never need an empty database.

export const TEST_PASSWORD = "correct horse battery staple";

export function uniqueSuffix(): string {
  return randomBytes(5).toString("hex");
}

export function randomSlug(prefix = "t"): string {
  return `${prefix}-${uniqueSuffix()}`;
}

export function randomEmail(prefix = "user"): string {
  return `${prefix}-${uniqueSuffix()}@example.com`;
}

export type TestUser = User & { password: string };

/** A user with a password (TEST_PASSWORD unless given) and a random email. */
export async function createTestUser(overrides: { email?: string; name?: string; password?: string } = {}): Promise<TestUser> {
  const password = overrides.password ?? TEST_PASSWORD;
  const user = await transaction({}, (tx) =>
    insertUser(tx, { email: overrides.email ?? randomEmail(), name: overrides.name ?? `User ${uniqueSuffix()}`, password }),
  );
  return { ...user, password };
}

/** The context the authentication layer would build for `user` acting in `tenant` with `role`. */
export function contextFor(user: Pick<User, "id" | "email" | "name">, tenant: TenantContext["tenant"], role: ConsoleRole): TenantContext {
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    actor: { kind: "user", userId: user.id, email: user.email, name: user.name },
    role,
  };
}

/** A new tenant with a random slug, created by a new owner (or `owner`); returns the owner's context in it. */
export async function createTestTenant(options: { owner?: User; slug?: string; name?: string } = {}): Promise<TenantContext> {
  const owner = options.owner ?? (await createTestUser({ name: `Owner ${uniqueSuffix()}` }));
  const tenant = await createTenant(owner.id, { slug: options.slug ?? randomSlug(), name: options.name ?? `Tenant ${uniqueSuffix()}` });
  return contextFor(owner, tenant, "owner");
}

export type TestMember = { user: TestUser; membershipId: string; ctx: TenantContext };

/** A new user added to the tenant by `by` (who must be allowed to) with `role`. */
export async function createTestMember(by: TenantContext, role: ConsoleRole): Promise<TestMember> {
  const user = await createTestUser();
  const result = await addMember(by, { email: user.email, role });
  if (result.kind !== "member") throw new Error(`expected ${user.email} to become a member at once`);
  return { user, membershipId: result.member.id, ctx: contextFor(user, by.tenant, role) };
}

/** The id of the user acting in a user context (factories' contexts always have one). */
export function userIdOf(ctx: TenantContext): string {
  if (ctx.actor.kind !== "user") throw new Error("not a user context");
  return ctx.actor.userId;
}
