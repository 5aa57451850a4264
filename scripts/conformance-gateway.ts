import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { createThrowawayDatabase, postgresServerUrl } from "@/test/database";

/**
 * Gatehouse in front of an upstream, for the conformance run: a throwaway
 * database, a tenant whose only server is `upstreamUrl` exposed without a
 * name prefix (the suite calls tools by their own names), a role allowing
 * everything, an agent with a key, and the gateway in a process of its own
 * (test/gateway-process.ts: the endpoint exactly as the Next.js route runs it).
 */
export async function startGatehouseInFront(upstreamUrl: string): Promise<{ url: string; key: string; close(): Promise<void> }> {
  const serverUrl = postgresServerUrl() ?? "postgres://root@127.0.0.1:5432/test";
  const database = await createThrowawayDatabase(serverUrl);
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    GATEHOUSE_UPSTREAM_ALLOW: "127.0.0.1/32",
  });
  const { transaction } = await import("@/lib/db");
  const { insertUser } = await import("@/lib/auth/users");
  const { createTenant } = await import("@/lib/tenancy/tenants");
  const { createServer } = await import("@/lib/registry/servers");
  const { createRole } = await import("@/lib/policy/roles");
  const { createAgent } = await import("@/lib/agents/agents");
  const { createAgentKey } = await import("@/lib/agents/keys");
  const { closeDatabase } = await import("@/db/client");

  const owner = await transaction({}, (tx) => insertUser(tx, { email: "conformance@example.com", name: "Conformance", password: randomBytes(16).toString("hex") }));
  const tenant = await createTenant(owner.id, { slug: "conformance", name: "Conformance" });
  const ctx = { tenant, actor: { kind: "user" as const, userId: owner.id, email: owner.email, name: owner.name }, role: "owner" as const };
  await createServer(ctx, { name: "fixture", transport: "streamable_http", url: upstreamUrl, namespace: "" });
  await createRole(ctx, {
    name: "everything",
    rules: (["tool", "prompt", "resource"] as const).map((target) => ({ target, server: "*", pattern: "*", effect: "allow" as const })),
  });
  const agent = await createAgent(ctx, { name: "conformance-suite", roles: ["everything"] });
  const { secret } = await createAgentKey(ctx, agent.id, {});

  const child = spawn(process.execPath, ["--import", "tsx", "test/gateway-process.ts"], { env: process.env, stdio: ["ignore", "pipe", "inherit"] });
  let origin: string | undefined;
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  for await (const chunk of child.stdout! as AsyncIterable<string>) {
    buffer += chunk;
    origin = /listening (\S+)/.exec(buffer)?.[1];
    if (origin) break;
  }
  if (!origin) throw new Error(`the gateway process did not start: ${buffer}`);
  return {
    url: `${origin}/t/${tenant.slug}/mcp`,
    key: secret,
    close: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
      await closeDatabase();
      await database.drop();
    },
  };
}
