// Gatehouse's overhead, measured: tools/call at 1, 8 and 32 concurrent agents
// and tools/list at three catalog sizes, against the fixture upstream directly,
// through Gatehouse (`next start`: auth, roles, audit; tools/call also with
// CEL conditions decided on every call) and through mcp-proxy
// from npm, in one run. Prints a table with ratios to direct, then where a
// Gatehouse call spends its time, and writes both to docs/benchmarks.md.
//
//   npm run bench [-- --duration 5 --warmup 1 --concurrency 1,8,32 --catalogs 21,100,1000]
//
// Starts everything it needs on 127.0.0.1 (fixtures, Gatehouse, mcp-proxy, a
// throwaway Postgres database on the server at --database-server) and stops
// exactly what it started, also on error or Ctrl-C. See docs/benchmarks.md.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { BreakdownRow } from "./support/breakdown";
import { connectHttp, connectStdio, perform, runCell, runInterleaved, type Agent, type Operation } from "./support/load";
import { installSignalHandlers, isTearingDown, onTeardown, teardown, waitUntil } from "./support/processes";
import { createBenchDatabase, ensureBuild, FIXTURE_STDIO, postgresVersion, root, startFixtureHttp, startGatehouse, startMcpProxy } from "./support/servers";
import type { Timing } from "./support/timing";
import { BREAKDOWN_HEADER, breakdownRows, describeCommit, describeMachine, formatConsole, renderDoc, tableRows, verdict, writeResults, type Machine, type Row, type RunInfo } from "./support/report";

const DOC = path.join(root, "docs/benchmarks.md");

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "0.5" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "1,8,32" },
    catalogs: { type: "string", default: "21,100,1000" },
    "list-concurrency": { type: "string", default: "1" },
    "database-server": { type: "string" },
    "gateway-url": { type: "string" },
    "no-breakdown": { type: "boolean", default: false },
    "no-doc": { type: "boolean", default: false },
    build: { type: "boolean", default: false },
    profile: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (args.help) {
  console.log(`npx tsx bench/gateway.ts [options]
  --duration S            measured seconds per cell (default 5)
  --warmup S              warm-up seconds per path and cell, not measured (default 0.5; every path
                          is also warmed up once, 3-8 s, before the first cell)
  --rounds N              each cell's paths take turns in N rounds of S/N seconds (default 5)
  --concurrency LIST      concurrent agents for tools/call (default 1,8,32)
  --catalogs LIST         tool counts for tools/list (default 21,100,1000; the fixture's smallest is 21)
  --list-concurrency N    concurrent agents for tools/list (default 1)
  --database-server URL   Postgres server to create the throwaway bench database on
                          (default $BENCH_DATABASE_SERVER, $TEST_DATABASE_URL or postgres://root@127.0.0.1:5432/postgres)
  --gateway-url ORIGIN    measure an already running Gatehouse instead of starting one; it must use
                          $DATABASE_URL and $GATEHOUSE_ENCRYPTION_KEY (seeded here) and allow 127.0.0.1 upstreams.
                          Skips the stdio-upstream path and the breakdown.
  --build                 run \`next build\` even if the build looks current
  --no-breakdown          skip the where-the-time-goes measurements
  --profile DIR           write V8 CPU profiles of Gatehouse (next start, bare node:http) during the breakdown to DIR
  --no-doc                do not write docs/benchmarks.md`);
  process.exit(0);
}

const warmupMs = Number(args.warmup) * 1000;
const durationMs = Number(args.duration) * 1000;
const rounds = Math.max(1, Math.round(Number(args.rounds)));
const concurrencies = args.concurrency.split(",").map(Number);
const catalogs = args.catalogs.split(",").map(Number);
const listConcurrency = Number(args["list-concurrency"]);
const externalGateway = args["gateway-url"]?.replace(/\/$/, "");
const maxAgents = Math.max(...concurrencies, listConcurrency);
if ([warmupMs, durationMs, listConcurrency, ...concurrencies, ...catalogs].some((n) => !Number.isFinite(n) || n < 0)) {
  throw new Error("--duration, --warmup, --concurrency, --catalogs and --list-concurrency take non-negative numbers");
}

/** Concurrent agents of the breakdown's throughput rows. */
const BREAKDOWN_AGENTS = 8;

const log = (line: string) => process.stderr.write(`${line}\n`);

type Path = {
  name: string;
  /** The direct path over the same upstream transport, for ratios. */
  base?: string;
  /** Agents per catalog size (up to maxAgents for the smallest, listConcurrency for the rest). */
  agents: Map<number, Agent[]>;
  /** The front server's own time per request, where it is measured. */
  timing: Map<number, Timing>;
};

async function main(): Promise<void> {
  installSignalHandlers();
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > os.availableParallelism() / 2) log(`[bench] warning: the machine is busy (load average ${loadBefore.toFixed(2)}); results will be noisy`);
  if (args.profile) fs.mkdirSync(args.profile, { recursive: true });
  const started = new Date();
  const serverUrl = args["database-server"] ?? process.env.BENCH_DATABASE_SERVER ?? process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/postgres";

  // 1. Database and the environment lib/ reads (before anything imports it).
  let databaseUrl: string;
  if (externalGateway) {
    if (!process.env.DATABASE_URL || !process.env.GATEHOUSE_ENCRYPTION_KEY) throw new Error("--gateway-url needs that Gatehouse's DATABASE_URL and GATEHOUSE_ENCRYPTION_KEY in the environment, to seed its tenants");
    databaseUrl = process.env.DATABASE_URL;
  } else {
    databaseUrl = await createBenchDatabase(serverUrl);
    process.env.DATABASE_URL = databaseUrl;
    process.env.GATEHOUSE_ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.AUTH_SECRET = randomBytes(32).toString("hex");
  }
  process.env.GATEHOUSE_UPSTREAM_ALLOW ||= "127.0.0.1/32";
  const machine: Machine = describeMachine(root, await postgresVersion(databaseUrl));
  log(`[bench] ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory}, Node ${machine.node}, ${machine.postgres}`);

  // 2. Fixtures over HTTP, one per catalog size; the smallest also serves tools/call.
  const probe = await startFixtureHttp(0);
  const probeClient = await connectHttp(probe.url);
  const baseTools = (await probeClient.listTools()).tools.length;
  await probeClient.close();
  for (const size of catalogs) if (size < baseTools) throw new Error(`--catalogs: the fixture's smallest catalog has ${baseTools} tools (its own tools); ${size} is too few`);
  const callSize = Math.min(...catalogs);
  const fixtures = new Map<number, { url: string; timing: Timing }>();
  for (const size of catalogs) fixtures.set(size, size === baseTools ? probe : await startFixtureHttp(size - baseTools));
  log(`[bench] fixtures up: ${catalogs.join(", ")} tools`);

  // 3. Tenants: per catalog size, one whose "fixture" server is the HTTP fixture and one that gets it over stdio.
  const seed = await import("./support/seed");
  onTeardown(() => seed.closeDatabase(), "last");
  const run = randomBytes(3).toString("hex");
  const httpTenants = new Map<number, Awaited<ReturnType<typeof seed.seedTenant>>>();
  const stdioTenants = new Map<number, Awaited<ReturnType<typeof seed.seedTenant>>>();
  for (const size of catalogs) {
    const agents = size === callSize ? Math.max(maxAgents, BREAKDOWN_AGENTS) : listConcurrency;
    httpTenants.set(size, await seed.seedTenant({ slug: `bench-${run}-http-${size}`, agents, fixtureUrl: fixtures.get(size)!.url }));
    if (!externalGateway) stdioTenants.set(size, await seed.seedTenant({ slug: `bench-${run}-stdio-${size}`, agents }));
  }
  const conditionalTenant = await seed.seedTenant({ slug: `bench-${run}-cel`, agents: maxAgents, fixtureUrl: fixtures.get(callSize)!.url, rules: seed.CONDITIONAL_RULES });
  log(`[bench] seeded ${httpTenants.size + stdioTenants.size + 1} tenants`);

  // 4. Gatehouse, with the stdio fixtures declared as platform servers of the stdio tenants.
  const platformFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-")), "platform-servers.json");
  onTeardown(async () => fs.rmSync(path.dirname(platformFile), { recursive: true, force: true }), "last");
  fs.writeFileSync(
    platformFile,
    JSON.stringify({
      servers: catalogs.map((size) => ({
        key: `bench-fixture-${size}`,
        tenants: [`bench-${run}-stdio-${size}`],
        name: "fixture",
        command: process.execPath,
        args: ["--import", "tsx", FIXTURE_STDIO, "--tools", String(size - baseTools)],
        cwd: root,
      })),
    }),
  );
  const gatehouseEnv: NodeJS.ProcessEnv = { ...process.env, AUTH_TRUST_HOST: "1", GATEHOUSE_PLATFORM_SERVERS: platformFile };
  let gatehouse: { origin: string; timing?: Timing };
  if (externalGateway) {
    gatehouse = { origin: externalGateway };
  } else {
    ensureBuild(args.build);
    gatehouse = await startGatehouse("next", gatehouseEnv);
  }
  log(`[bench] Gatehouse at ${gatehouse.origin}`);

  // 5. mcp-proxy in front of the stdio fixture, one per catalog size.
  const proxies = new Map<number, { url: string; timing: Timing }>();
  for (const size of catalogs) proxies.set(size, await startMcpProxy(size - baseTools));
  log("[bench] mcp-proxy up");

  // 6. Agents: one MCP session each (direct stdio: one process, shared, as one stdio server serves everyone).
  const clients: { close(): Promise<void> }[] = [];
  onTeardown(async () => void (await Promise.allSettled(clients.splice(0).map((c) => c.close()))));
  const sessions = async (count: number, url: string, prefix: string, keys?: string[]) => {
    const agents: Agent[] = [];
    for (let i = 0; i < count; i++) {
      const client = await connectHttp(url, keys ? { authorization: `Bearer ${keys[i]}` } : {});
      clients.push(client);
      agents.push({ client, toolPrefix: prefix });
    }
    return agents;
  };
  const agentsFor = (size: number) => (size === callSize ? maxAgents : listConcurrency);
  const paths: Path[] = [];
  const directHttp: Path = { name: "direct (HTTP)", agents: new Map(), timing: new Map() };
  const gatehouseHttp: Path = { name: "Gatehouse → HTTP", base: directHttp.name, agents: new Map(), timing: new Map() };
  const directStdio: Path = { name: "direct (stdio)", agents: new Map(), timing: new Map() };
  const gatehouseStdio: Path = { name: "Gatehouse → stdio", base: directStdio.name, agents: new Map(), timing: new Map() };
  const mcpProxy: Path = { name: "mcp-proxy → stdio", base: directStdio.name, agents: new Map(), timing: new Map() };
  // tools/call only: the same upstream, with three CEL conditions decided per call.
  const gatehouseCel: Path = { name: "Gatehouse → HTTP, CEL", base: directHttp.name, agents: new Map(), timing: new Map() };
  for (const size of catalogs) {
    const count = agentsFor(size);
    directHttp.agents.set(size, await sessions(count, fixtures.get(size)!.url, ""));
    directHttp.timing.set(size, fixtures.get(size)!.timing);
    const endpoint = (slug: string) => `${gatehouse.origin}/t/${slug}/mcp`;
    gatehouseHttp.agents.set(size, await sessions(count, endpoint(httpTenants.get(size)!.slug), "fixture__", httpTenants.get(size)!.keys));
    if (gatehouse.timing) gatehouseHttp.timing.set(size, gatehouse.timing);
    const stdio = await connectStdio(process.execPath, ["--import", "tsx", FIXTURE_STDIO, "--tools", String(size - baseTools)], root);
    clients.push(stdio);
    directStdio.agents.set(size, Array.from({ length: count }, () => ({ client: stdio, toolPrefix: "" })));
    if (!externalGateway) {
      gatehouseStdio.agents.set(size, await sessions(count, endpoint(stdioTenants.get(size)!.slug), "fixture__", stdioTenants.get(size)!.keys));
      if (gatehouse.timing) gatehouseStdio.timing.set(size, gatehouse.timing);
    }
    mcpProxy.agents.set(size, await sessions(count, proxies.get(size)!.url, ""));
    mcpProxy.timing.set(size, proxies.get(size)!.timing);
  }
  gatehouseCel.agents.set(callSize, await sessions(maxAgents, `${gatehouse.origin}/t/${conditionalTenant.slug}/mcp`, "fixture__", conditionalTenant.keys));
  if (gatehouse.timing) gatehouseCel.timing.set(callSize, gatehouse.timing);
  paths.push(directHttp, gatehouseHttp, gatehouseCel, directStdio, ...(externalGateway ? [] : [gatehouseStdio]), mcpProxy);
  const pathsFor = (size: number) => paths.filter((p) => p.agents.has(size));

  // Gatehouse loads platform catalogs in the background at start: wait until every path lists every tool.
  for (const size of catalogs) {
    for (const p of pathsFor(size)) {
      const agent = p.agents.get(size)![0]!;
      await waitUntil(`${p.name}, ${size} tools`, async () => (await perform(agent, { kind: "list", expectTools: size }), true), 60_000);
    }
  }
  // JIT (V8 needs some ten seconds of traffic), connection pools and Next's lazily
  // loaded route: warm every path before any cell counts.
  for (const p of paths) {
    await runCell(p.agents.get(callSize)!, { kind: "call" }, p.name.startsWith("Gatehouse") ? 8000 : 3000, 0);
    const largest = p.agents.get(Math.max(...catalogs));
    if (largest) await runCell(largest.slice(0, listConcurrency), { kind: "list", expectTools: Math.max(...catalogs) }, 500, 0);
  }
  log("[bench] every path lists its full catalog and is warm; measuring");

  // 7. The cells: per operation and load, every path interleaved (see runInterleaved).
  const rows: Row[] = [];
  const measure = async (op: string, load: string, size: number, count: number, operation: Operation) => {
    const contenders = pathsFor(size).map((p) => ({ name: p.name, agents: p.agents.get(size)!.slice(0, count), timing: p.timing.get(size) }));
    const results = await runInterleaved(contenders, operation, { warmupMs, durationMs, rounds });
    for (const p of pathsFor(size)) {
      const { stats, server } = results.get(p.name)!;
      rows.push({ op, load, path: p.name, base: p.base, stats, server });
      log(`  ${op.padEnd(10)} ${load.padEnd(10)} ${p.name.padEnd(18)} p50 ${stats.p50.toFixed(2).padStart(7)} ms  p99 ${stats.p99.toFixed(2).padStart(7)} ms  ${stats.throughput.toFixed(0).padStart(6)}/s${stats.errors ? `  ${stats.errors} errors: ${stats.firstError}` : ""}`);
    }
  };
  for (const c of concurrencies) await measure("tools/call", `${c} agent${c === 1 ? "" : "s"}`, callSize, c, { kind: "call" });
  for (const size of catalogs) await measure("tools/list", `${size} tools`, size, listConcurrency, { kind: "list", expectTools: size });

  // 8. Where the time goes (needs a Gatehouse of our own, to compare with the same handler off Next.js).
  let breakdown: BreakdownRow[] = [];
  if (!externalGateway && !args["no-breakdown"]) {
    log("[bench] breakdown, 1 agent, tools/call:");
    const plain = await startGatehouse("plain", { ...gatehouseEnv, GATEHOUSE_PLATFORM_SERVERS: "" });
    const { runBreakdown } = await import("./support/breakdown");
    const tenant = httpTenants.get(callSize)!;
    breakdown = await runBreakdown({
      slug: tenant.slug,
      keys: tenant.keys,
      loadAgents: BREAKDOWN_AGENTS,
      fixtureUrl: fixtures.get(callSize)!.url,
      nextOrigin: gatehouse.origin,
      plainOrigin: plain.origin,
      timing: { fixture: fixtures.get(callSize)!.timing, next: gatehouse.timing!, plain: plain.timing },
      warmupMs,
      durationMs,
      rounds,
      profileDir: args.profile && path.resolve(args.profile),
      log,
    });
  }

  // 9. Report.
  const table = tableRows(rows);
  console.log(`\n${formatConsole(table)}\n`);
  if (breakdown.length) console.log(`${formatConsole(breakdownRows(breakdown), BREAKDOWN_HEADER)}\n`);
  console.log(`${verdict(rows, breakdown).join("\n")}\n`);
  if (!args["no-doc"]) {
    const run: RunInfo = {
      commit: describeCommit(root),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
      started,
      warmupS: Number(args.warmup),
      durationS: Number(args.duration),
      rounds,
      listConcurrency,
      loadBefore,
      loadAfter: os.loadavg()[0]!,
    };
    writeResults(DOC, renderDoc({ machine, run, table, breakdown, rows }));
    log(`[bench] results written to ${path.relative(root, DOC)}`);
  }
}

main()
  .then(() => teardown())
  .then(() => process.exit(0))
  .catch(async (e: unknown) => {
    if (!isTearingDown()) console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    await teardown();
    process.exit(1);
  });
