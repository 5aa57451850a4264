// Seeds the benchmark's tenants through the same lib functions the console and
// the admin API call. Imported only after bench/gateway.ts has set DATABASE_URL
// and GATEHOUSE_ENCRYPTION_KEY, because lib/env reads them on first import.
import { closeDatabase } from "@/db/client";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { createRole } from "@/lib/policy/roles";
import type { RuleInput } from "@/lib/policy/schemas";
import { createServer } from "@/lib/registry/servers";
import { createTestTenant } from "@/test/factories";

export type SeededTenant = { id: string; slug: string; keys: string[] };

/**
 * A tenant with one role (by default allowing every tool of every server),
 * `agents` agents holding it with one key each, and (when `fixtureUrl` is
 * given) one streamable-HTTP server named "fixture" at that URL.
 */
export async function seedTenant(options: { slug: string; agents: number; fixtureUrl?: string; rules?: RuleInput[] }): Promise<SeededTenant> {
  const ctx = await createTestTenant({ slug: options.slug, name: `Benchmark ${options.slug}` });
  const tenant = ctx.tenant;
  if (options.fixtureUrl) {
    const server = await createServer(ctx, { name: "fixture", transport: "streamable_http", url: options.fixtureUrl });
    if (server.catalog.error) throw new Error(`seeding ${options.slug}: the fixture's catalog did not load: ${server.catalog.error}`);
  }
  await createRole(ctx, { name: "bench", rules: options.rules ?? [{ target: "tool", server: "*", pattern: "*", effect: "allow" }] });
  const keys: string[] = [];
  for (let i = 0; i < options.agents; i++) {
    const agent = await createAgent(ctx, { name: `agent-${i + 1}`, roles: ["bench"] });
    keys.push((await createAgentKey(ctx, agent.id, { name: "bench" })).secret);
  }
  return { id: tenant.id, slug: tenant.slug, keys };
}

export { closeDatabase };

/**
 * Rules as a tenant with conditional policies writes them, all evaluated on
 * every call the benchmark makes (none of them denies it): the cost of CEL on
 * the hot path.
 */
export const CONDITIONAL_RULES: RuleInput[] = [
  { server: "fixture", pattern: "*", effect: "allow", condition: "!(has(args.table) && args.table == 'financials')" },
  { server: "fixture", pattern: "*", effect: "deny", condition: "has(args.amount) && args.amount > 10000", message: "Above the limit." },
  { server: "*", pattern: "*", effect: "deny", condition: "!(request.time.getDayOfWeek('Europe/Berlin') in [0, 1, 2, 3, 4, 5, 6])" },
];
