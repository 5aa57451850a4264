// Starting what the benchmark measures, each on a free port of 127.0.0.1, with
// bench/support/server-timing.cjs preloaded so each reports its own time per request.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { connectHttp } from "./load";
import { freePort, onTeardown, startProcess, waitForLine, waitUntil, type Started } from "./processes";
import { timingOf, type Timing } from "./timing";

export const root = path.resolve(import.meta.dirname, "../..");
export const FIXTURE_HTTP = path.join(root, "test/fixtures/upstream/http.ts");
export const FIXTURE_STDIO = path.join(root, "test/fixtures/upstream/stdio.ts");
const TIMING = path.join(root, "bench/support/server-timing.cjs");
const PLAIN_GATEWAY = path.join(root, "bench/support/plain-gateway.ts");
const MCP_PROXY = path.join(root, "node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs");
const NEXT = path.join(root, "node_modules/next/dist/bin/next");

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function startFixtureHttp(extraTools: number): Promise<{ url: string; timing: Timing }> {
  const timingPort = await freePort();
  const proc = startProcess(`fixture (${extraTools} extra tools)`, process.execPath, ["--require", TIMING, "--import", "tsx", FIXTURE_HTTP, "--port", "0", "--tools", String(extraTools), "--sessions"], {
    cwd: root,
    env: { ...process.env, BENCH_TIMING_PORT: String(timingPort) },
  });
  const [, url] = await waitForLine(proc, /listening (\S+)/);
  return { url: url!, timing: timingOf(timingPort) };
}

export async function startMcpProxy(extraTools: number): Promise<{ url: string; timing: Timing }> {
  const port = await freePort();
  const timingPort = await freePort();
  const proc = startProcess(
    `mcp-proxy (${extraTools} extra tools)`,
    process.execPath,
    ["--require", TIMING, MCP_PROXY, "--host", "127.0.0.1", "--port", String(port), "--server", "stream", "--", process.execPath, "--import", "tsx", FIXTURE_STDIO, "--tools", String(extraTools)],
    { cwd: root, env: { ...process.env, BENCH_TIMING_PORT: String(timingPort) } },
  );
  const url = `http://127.0.0.1:${port}/mcp`;
  await waitUntil("mcp-proxy", async () => {
    const client = await connectHttp(url);
    await client.close();
    return true;
  }, 30_000, proc);
  return { url, timing: timingOf(timingPort) };
}

/** Builds the app when the build is missing or older than the sources (as scripts/start.mjs does), or when --build is given. */
export function ensureBuild(force: boolean): void {
  const newest = (p: string): number => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return 0;
    }
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((e) => newest(path.join(p, e))));
  };
  const buildId = path.join(root, ".next", "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sources = ["app", "lib", "db", "components", "instrumentation.ts", "next.config.ts", "package.json"];
  if (!force && builtAt >= Math.max(...sources.map((s) => newest(path.join(root, s))))) return;
  log("[bench] building the app (next build)…");
  const build = spawnSync(process.execPath, [NEXT, "build"], { cwd: root, stdio: ["ignore", 2, 2], env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) throw new Error("next build failed");
}

export async function startGatehouse(kind: "next" | "plain", env: NodeJS.ProcessEnv): Promise<{ origin: string; timing: Timing; proc: Started }> {
  const port = await freePort();
  const timingPort = await freePort();
  const procEnv: NodeJS.ProcessEnv = { ...env, PORT: String(port), NODE_ENV: "production", BENCH_TIMING_PORT: String(timingPort) };
  const proc =
    kind === "next"
      ? startProcess("gatehouse (next start)", process.execPath, ["--require", TIMING, NEXT, "start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env: procEnv })
      : startProcess("gatehouse (bare node:http)", process.execPath, ["--require", TIMING, "--import", "tsx", PLAIN_GATEWAY, "--port", String(port)], { cwd: root, env: procEnv });
  const origin = `http://127.0.0.1:${port}`;
  if (kind === "next") {
    await waitUntil("gatehouse", async () => (await fetch(`${origin}/api/health`)).ok, 90_000, proc);
  } else {
    await waitForLine(proc, /listening/, 90_000);
  }
  return { origin, timing: timingOf(timingPort), proc };
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return `PostgreSQL ${rows[0]!.server_version}`;
  } finally {
    await client.end();
  }
}

/** A database of its own on `serverUrl`, dropped at teardown. */
export async function createBenchDatabase(serverUrl: string): Promise<string> {
  const name = `gatehouse_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  onTeardown(async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }, "last");
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
