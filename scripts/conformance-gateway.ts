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
  const { createGatewayTenant } = await import("@/test/gateway");
  const { closeDatabase } = await import("@/db/client");
  const { slug, key: secret } = await createGatewayTenant({
    server: { transport: "streamable_http", url: upstreamUrl, namespace: "" },
    rules: (["tool", "prompt", "resource"] as const).map((target) => ({ target, server: "*", pattern: "*", effect: "allow" as const })),
  });

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
    url: `${origin}/t/${slug}/mcp`,
    key: secret,
    close: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
      await closeDatabase();
      await database.drop();
    },
  };
}
