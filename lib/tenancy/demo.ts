import { eq } from "drizzle-orm";
import { accessRoles, accessRules, agents, roleBindings, servers, tenants } from "@/db/schema";
import { setScope, type Tx } from "@/lib/db";
import { newId } from "@/lib/ids";
import { DEMO_SERVER_KEY, demoServer } from "@/lib/registry/platform";
import { insertTenant, type Tenant } from "./tenants";

export const DEMO_AGENT_NAME = "demo-agent";
export const DEMO_ROLE_NAME = "demo-user";

/**
 * A tenant to try Gatehouse at once: the example upstream that ships in
 * lib/demo, a role that allows its tools but denies the destructive-looking
 * one (and, to show a condition at work, large currency conversions), and an
 * agent bound to it. The caller issues a key from the console.
 */
export async function insertDemoTenant(tx: Tx, ownerId: string, avoidSlug: string): Promise<{ tenant: Tenant; serverId: string }> {
  let slug = avoidSlug === "demo" ? "demo-sandbox" : "demo";
  const [taken] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (taken) slug = `demo-${newId("tenant").slice(4, 10).toLowerCase()}`;
  const tenant = await insertTenant(tx, ownerId, { slug, name: "Demo" });
  await setScope(tx, { tenantId: tenant.id, userId: ownerId });
  const declared = demoServer();
  const serverId = newId("server");
  await tx.insert(servers).values({
    id: serverId,
    tenantId: tenant.id,
    name: declared.name,
    description: declared.description,
    tags: ["demo"],
    transport: "stdio",
    namespace: declared.name,
    timeoutMs: declared.timeoutMs,
    source: "platform",
    platformKey: DEMO_SERVER_KEY,
  });
  const roleId = newId("role");
  await tx.insert(accessRoles).values({ id: roleId, tenantId: tenant.id, name: DEMO_ROLE_NAME, description: "Every demo tool except the destructive ones." });
  await tx.insert(accessRules).values([
    { id: newId("rule"), tenantId: tenant.id, roleId, position: 0, target: "tool", server: declared.name, pattern: "*", effect: "allow" },
    { id: newId("rule"), tenantId: tenant.id, roleId, position: 1, target: "tool", server: declared.name, pattern: "delete_*", effect: "deny" },
    {
      id: newId("rule"),
      tenantId: tenant.id,
      roleId,
      position: 2,
      target: "tool",
      server: declared.name,
      pattern: "convert_currency",
      effect: "deny",
      condition: "args.amount > 1000000.0",
      message: "The demo converts at most 1,000,000 at a time.",
    },
    { id: newId("rule"), tenantId: tenant.id, roleId, position: 3, target: "prompt", server: declared.name, pattern: "*", effect: "allow" },
    { id: newId("rule"), tenantId: tenant.id, roleId, position: 4, target: "resource", server: declared.name, pattern: "*", effect: "allow" },
  ]);
  const agentId = newId("agent");
  await tx.insert(agents).values({
    id: agentId,
    tenantId: tenant.id,
    name: DEMO_AGENT_NAME,
    description: "Try me: issue a key under Agents → demo-agent → Connect.",
    labels: { env: "demo" },
  });
  await tx.insert(roleBindings).values({ tenantId: tenant.id, roleId, agentId });
  return { tenant, serverId };
}
