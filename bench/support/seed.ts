// Seeds the benchmark's tenants through the same lib functions the console and
// the admin API call. Imported only after bench/gateway.ts has set DATABASE_URL
// and GATEHOUSE_ENCRYPTION_KEY, because lib/env reads them on first import.
import { closeDatabase } from "@/db/client";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { createRole } from "@/lib/policy/roles";
import { createServer } from "@/lib/registry/servers";
import { createTestTenant } from "@/test/factories";

export type SeededTenant = { id: string; slug: string; keys: string[] };

/**
 * A tenant with one role allowing every tool of every server, `agents` agents
 * holding it with one key each, and (when `fixtureUrl` is given) one
 * streamable-HTTP server named "fixture" at that URL.
 */
export async function seedTenant(options: { slug: string; agents: number; fixtureUrl?: string }): Promise<SeededTenant> {
  const ctx = await createTestTenant({ slug: options.slug, name: `Benchmark ${options.slug}` });
  const tenant = ctx.tenant;
  if (options.fixtureUrl) {
    const server = await createServer(ctx, { name: "fixture", transport: "streamable_http", url: options.fixtureUrl });
    if (server.catalog.error) throw new Error(`seeding ${options.slug}: the fixture's catalog did not load: ${server.catalog.error}`);
  }
  await createRole(ctx, { name: "bench", rules: [{ target: "tool", server: "*", pattern: "*", effect: "allow" }] });
  const keys: string[] = [];
  for (let i = 0; i < options.agents; i++) {
    const agent = await createAgent(ctx, { name: `agent-${i + 1}`, roles: ["bench"] });
    keys.push((await createAgentKey(ctx, agent.id, { name: "bench" })).secret);
  }
  return { id: tenant.id, slug: tenant.slug, keys };
}

export { closeDatabase };
