import { eq } from "drizzle-orm";
import { accessRoles, accessRules, agents, roleBindings, servers, tenants, users } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { setScope, type Tx } from "@/lib/db";
import { newId } from "@/lib/ids";
import { ruleOf } from "@/lib/policy/roles";
import { DEMO_SERVER_KEY, demoServer } from "@/lib/registry/platform";
import { insertTenant, ownerContext, type Tenant } from "./tenants";

export const DEMO_AGENT_NAME = "demo-agent";
export const DEMO_ROLE_NAME = "demo-user";
const DEMO_ROLE_DESCRIPTION = "Every demo tool except the destructive ones.";
const DEMO_AGENT_DESCRIPTION = "Try me: issue a key under Agents → demo-agent → Connect.";

/**
 * A tenant to try Gatehouse at once: the example upstream that ships in
 * lib/demo, a role that allows its tools but denies the destructive-looking
 * one (and, to show a condition at work, large currency conversions), and an
 * agent bound to it. The caller issues a key from the console. Each piece is
 * recorded in the demo tenant's log as its owner's change, after
 * `tenant.created`.
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
  await tx.insert(accessRoles).values({ id: roleId, tenantId: tenant.id, name: DEMO_ROLE_NAME, description: DEMO_ROLE_DESCRIPTION });
  const rules = [
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
  ] satisfies (typeof accessRules.$inferInsert)[];
  await tx.insert(accessRules).values(rules);
  const agentId = newId("agent");
  await tx.insert(agents).values({
    id: agentId,
    tenantId: tenant.id,
    name: DEMO_AGENT_NAME,
    description: DEMO_AGENT_DESCRIPTION,
    labels: { env: "demo" },
  });
  await tx.insert(roleBindings).values({ tenantId: tenant.id, roleId, agentId });

  const [owner] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, ownerId));
  const ctx = ownerContext(tenant, owner!);
  await recordAdminChange(tx, ctx, {
    action: "server.created",
    target: { type: "server", id: serverId, name: declared.name },
    after: { name: declared.name, description: declared.description, tags: ["demo"], transport: "stdio", namespace: declared.name, timeoutMs: declared.timeoutMs, enabled: true, source: "platform", platformKey: DEMO_SERVER_KEY },
  });
  await recordAdminChange(tx, ctx, {
    action: "role.created",
    target: { type: "role", id: roleId, name: DEMO_ROLE_NAME },
    after: {
      name: DEMO_ROLE_NAME,
      description: DEMO_ROLE_DESCRIPTION,
      rules: rules.map((r) => ruleOf({ condition: null, message: null, approverRole: null, approvalsRequired: null, approvalTtlSeconds: null, ...r })),
      agents: [],
    },
  });
  await recordAdminChange(tx, ctx, {
    action: "agent.created",
    target: { type: "agent", id: agentId, name: DEMO_AGENT_NAME },
    after: { name: DEMO_AGENT_NAME, description: DEMO_AGENT_DESCRIPTION, labels: { env: "demo" }, roles: [DEMO_ROLE_NAME] },
  });
  return { tenant, serverId };
}
