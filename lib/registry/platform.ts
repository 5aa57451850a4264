import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { StdioCommand } from "@/lib/upstream/stdio-supervisor";
import { serverNameSchema, timeoutSchema } from "./schemas";

/**
 * Upstream servers the platform operator declares, in the JSON file named by
 * GATEHOUSE_PLATFORM_SERVERS (plus the built-in demo). Only here can a server
 * run a command: tenants register URLs, never processes.
 */
const declaration = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "key: lowercase letters, digits and hyphens"),
  /** Slugs of the tenants that get this server. */
  tenants: z.array(z.string()).min(1),
  name: serverNameSchema,
  description: z.string().max(500).default(""),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  timeoutMs: timeoutSchema.default(30_000),
});
export type PlatformServer = z.infer<typeof declaration>;

const file = z.object({ servers: z.array(declaration) });

export const DEMO_SERVER_KEY = "demo";

/** The example upstream that ships with Gatehouse (lib/demo), attached to the demo tenant by setup. */
export function demoServer(): PlatformServer {
  return {
    key: DEMO_SERVER_KEY,
    tenants: [],
    name: "demo",
    description: "Example tools that ship with Gatehouse: weather, currency, docs search, tickets.",
    command: process.execPath,
    args: ["--import", "tsx", path.join(process.cwd(), "lib", "demo", "stdio.ts")],
    env: {},
    cwd: process.cwd(),
    timeoutMs: 30_000,
  };
}

let cached: { path: string | undefined; servers: PlatformServer[] } | undefined;

/** The operator's declarations; a broken file stops start-up with the reason. */
export function platformServers(): PlatformServer[] {
  const filePath = process.env.GATEHOUSE_PLATFORM_SERVERS?.trim() || undefined;
  if (cached && cached.path === filePath) return cached.servers;
  let declared: PlatformServer[] = [];
  if (filePath) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(filePath, "utf8"));
    } catch (e) {
      throw new Error(`GATEHOUSE_PLATFORM_SERVERS: cannot read ${filePath}: ${(e as Error).message}`);
    }
    const parsed = file.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`GATEHOUSE_PLATFORM_SERVERS: ${filePath}: ${issue.path.join(".")}: ${issue.message}`);
    }
    declared = parsed.data.servers;
    const keys = new Set<string>([DEMO_SERVER_KEY]);
    for (const s of declared) {
      if (keys.has(s.key)) throw new Error(`GATEHOUSE_PLATFORM_SERVERS: key "${s.key}" is declared twice (or is reserved).`);
      keys.add(s.key);
    }
  }
  cached = { path: filePath, servers: [demoServer(), ...declared] };
  return cached.servers;
}

export function platformCommand(key: string): StdioCommand | undefined {
  const server = platformServers().find((s) => s.key === key);
  return server && { key: server.key, command: server.command, args: server.args, env: server.env, cwd: server.cwd };
}
