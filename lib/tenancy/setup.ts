import { sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import { insertUser, type User } from "@/lib/auth/users";
import { transaction } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { emailSchema, passwordSchema, personNameSchema, slugSchema, tenantNameSchema } from "./schemas";
import { refreshCatalog } from "@/lib/registry/catalog";
import { insertDemoTenant } from "./demo";
import { insertTenant, type Tenant } from "./tenants";

export const setupInput = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
  tenantName: tenantNameSchema,
  tenantSlug: slugSchema,
  /** Also create a demo tenant with the example upstream (lib/demo), to try the MCP endpoint at once. */
  demo: z.boolean().default(false),
});
export type SetupInput = z.input<typeof setupInput>;

/**
 * The unattended first run's input (CLI flags, or nothing at start-up): given
 * values first, then GATEHOUSE_SETUP_*, then defaults. Validated by completeSetup.
 */
export function unattendedSetupInput(given: Partial<Record<keyof SetupInput, string | undefined>> = {}): SetupInput {
  const email = given.email ?? env.GATEHOUSE_SETUP_EMAIL ?? "";
  return {
    email,
    password: given.password ?? env.GATEHOUSE_SETUP_PASSWORD ?? "",
    name: given.name ?? env.GATEHOUSE_SETUP_NAME ?? email.split("@")[0] ?? "",
    tenantSlug: given.tenantSlug ?? env.GATEHOUSE_SETUP_TENANT_SLUG ?? "default",
    tenantName: given.tenantName ?? env.GATEHOUSE_SETUP_TENANT_NAME ?? "Default",
  };
}

// Held for the transaction, so two concurrent first runs cannot both create an owner.
const SETUP_LOCK = 7_236_911_483;

/**
 * First run: creates the first user as owner of the first tenant. Allowed only
 * while no user exists; afterwards it is a conflict and changes nothing.
 */
export async function completeSetup(input: SetupInput): Promise<{ user: User; tenant: Tenant; demoTenant?: Tenant }> {
  const data = parseInput(setupInput, input);
  const result = await transaction({}, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK})`);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    if ((row?.n ?? 0) > 0) throw new AppError("conflict", "Gatehouse is already set up. Sign in, or ask an owner to invite you.");
    const user = await insertUser(tx, { email: data.email, name: data.name, password: data.password });
    const tenant = await insertTenant(tx, user.id, { slug: data.tenantSlug, name: data.tenantName });
    const demo = data.demo ? await insertDemoTenant(tx, user.id, tenant.slug) : undefined;
    return { user, tenant, demo };
  });
  // Load the demo server's tools now, so the demo agent sees them on its first request.
  if (result.demo) void refreshCatalog(result.demo.tenant.id, result.demo.serverId).catch(() => {});
  return { user: result.user, tenant: result.tenant, demoTenant: result.demo?.tenant };
}
