// Where a Gatehouse tools/call spends its time: the same call end to end
// through `next start`, through a bare node:http server around the same
// handler, and in-process with no HTTP server at all (one agent, then the two
// servers again at several agents for CPU per call); then the steps the
// handler takes, each alone, and what-ifs for the audit write. Imported after
// lib/env's variables are set.
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { recordAgentRequest } from "@/lib/audit/events";
import { forward, type AgentChannel, type Extra } from "@/lib/gateway/forward";
import { getSnapshot } from "@/lib/gateway/snapshot";
import { newId } from "@/lib/ids";
import { gatewayFetch } from "../../test/gateway";
import { connectHttp, runCell, runInterleaved, timeLoop, type Agent, type Contender, type Stats } from "./load";
import type { ServerStats, Timing } from "./timing";

/** One line of the breakdown, with the front server's and the fixture's own view of the same requests where measured. */
export type BreakdownRow = { name: string; what: string; stats: Stats; server?: ServerStats; fixture?: ServerStats };

export type BreakdownInput = {
  slug: string;
  /** Keys of the tenant's agents, one per concurrent agent (at least `loadAgents`). */
  keys: string[];
  /** Concurrent agents for the throughput rows (next start vs bare node:http). */
  loadAgents: number;
  fixtureUrl: string;
  nextOrigin: string;
  plainOrigin: string;
  timing: { fixture: Timing; next: Timing; plain: Timing };
  warmupMs: number;
  durationMs: number;
  rounds: number;
  /** Where to write V8 CPU profiles of the servers during their rows, if anywhere. */
  profileDir?: string;
  log: (line: string) => void;
};

const CALL = { kind: "call" } as const;

export async function runBreakdown(input: BreakdownInput): Promise<BreakdownRow[]> {
  const rows: BreakdownRow[] = [];
  const add = (row: BreakdownRow) => {
    rows.push(row);
    const f = (label: string, s?: ServerStats) => s?.p50 != null && `${label} ${s.p50.toFixed(3)} ms, CPU ${s.cpuMsPerRequest?.toFixed(3)} ms/call`;
    const extra = [f("server", row.server), f("fixture", row.fixture)].filter(Boolean);
    input.log(`  ${row.name.padEnd(46)} p50 ${row.stats.p50.toFixed(3)} ms  p99 ${row.stats.p99.toFixed(3)} ms${extra.length ? `  (${extra.join(", ")})` : ""}`);
  };
  const gatewayAgents = async (origin: string, count: number) => {
    const agents: Agent[] = [];
    for (const key of input.keys.slice(0, count)) {
      agents.push({ client: await connectHttp(`${origin}/t/${input.slug}/mcp`, { authorization: `Bearer ${key}` }), toolPrefix: "fixture__" });
    }
    return agents;
  };
  const closeAll = (contenders: Contender[]) => Promise.all(contenders.flatMap((c) => c.agents.map((a) => a.client.close())));
  const fixture = input.timing.fixture;
  const n = input.loadAgents;

  const inProcess = new Client({ name: "gatehouse-bench", version: "1.0.0" });
  await inProcess.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:3999/t/${input.slug}/mcp`), {
      fetch: gatewayFetch,
      requestInit: { headers: { authorization: `Bearer ${input.keys[0]}` } },
    }),
  );
  // The bare server and the in-process gateway have just started: V8 needs some
  // ten seconds of traffic before their code runs as fast as next start's.
  const warm = await gatewayAgents(input.plainOrigin, n);
  await runCell(warm, CALL, 10_000, 0);
  await Promise.all(warm.map((a) => a.client.close()));
  await runCell([{ client: inProcess, toolPrefix: "fixture__" }], CALL, 5_000, 0);

  const single: (Contender & { what: string })[] = [
    { name: "direct: agent → fixture", what: "the baseline: the agent's SDK client straight to the fixture", agents: [{ client: await connectHttp(input.fixtureUrl), toolPrefix: "" }], timing: fixture },
    { name: "Gatehouse on next start", what: "the product as deployed; server = time inside the Next.js process", agents: await gatewayAgents(input.nextOrigin, 1), timing: input.timing.next, upstreamTiming: fixture },
    {
      name: "Gatehouse on bare node:http (no Next.js)",
      what: "handleMcpRequest behind a small node:http adapter (bench/support/plain-gateway.ts); server = time inside it",
      agents: await gatewayAgents(input.plainOrigin, 1),
      timing: input.timing.plain,
      upstreamTiming: fixture,
    },
    {
      name: "Gatehouse in-process (no agent-side HTTP)",
      what: "the agent's SDK client calling handleMcpRequest in the bench process: no socket between agent and gateway",
      agents: [{ client: inProcess, toolPrefix: "fixture__" }],
      upstreamTiming: fixture,
    },
  ];
  const loaded: (Contender & { what: string })[] = [
    { name: `Gatehouse on next start, ${n} agents`, what: `the same at ${n} concurrent agents: compare calls/s and CPU per call`, agents: await gatewayAgents(input.nextOrigin, n), timing: input.timing.next, upstreamTiming: fixture },
    { name: `Gatehouse on bare node:http, ${n} agents`, what: `the same at ${n} concurrent agents`, agents: await gatewayAgents(input.plainOrigin, n), timing: input.timing.plain, upstreamTiming: fixture },
  ];
  for (const group of [single, loaded]) {
    const results = await runInterleaved(group, CALL, { warmupMs: input.warmupMs, durationMs: input.durationMs, rounds: input.rounds });
    for (const c of group) {
      const r = results.get(c.name)!;
      add({ name: c.name, what: c.what, stats: r.stats, server: c.timing === fixture ? undefined : r.server, fixture: c.timing === fixture ? r.server : r.upstream });
    }
  }

  if (input.profileDir) {
    // Profiled apart from the measurements: the profiler itself costs CPU.
    for (const [c, file] of [[single[1]!, "next-start"], [single[2]!, "bare-node-http"]] as const) {
      await runCell(c.agents, CALL, 0, input.durationMs, () => c.timing!.profile.start());
      const target = path.join(input.profileDir, `${file}.cpuprofile`);
      fs.writeFileSync(target, JSON.stringify(await c.timing!.profile.stop()));
      input.log(`  CPU profile of ${c.name}: ${target}`);
    }
  }
  await closeAll([...single, ...loaded]);

  // The handler's steps, each alone, in this process.
  const snapshot = await getSnapshot(input.slug);
  if (!snapshot) throw new Error(`breakdown: no tenant ${input.slug}`);
  const agent = [...snapshot.agents.values()][0]!;
  const server = snapshot.servers[0]!;
  const short = Math.min(input.durationMs, 2000);
  const stepWarmup = Math.max(input.warmupMs, 2000);

  add({
    name: "step: tenant snapshot lookup",
    what: "getSnapshot(slug), served from memory",
    stats: await timeLoop(() => getSnapshot(input.slug), stepWarmup, short),
  });

  const channel: AgentChannel = { sessionId: newId("session"), capabilities: {}, request: () => Promise.reject(new Error("the benchmark's agent answers no requests")), notify: async () => {} };
  let requestId = 0;
  const extra = () =>
    ({ signal: new AbortController().signal, requestId: ++requestId, sendNotification: async () => {}, sendRequest: async () => ({}) }) as unknown as Extra;
  const forwardEcho = () =>
    forward(server.config, channel, extra(), { decision: "allowed" }, (client, options) =>
      client.request({ method: "tools/call", params: { name: "echo", arguments: { message: "hello" } } }, CallToolResultSchema, options),
    );
  await timeLoop(forwardEcho, stepWarmup, 0);
  await input.timing.fixture.reset();
  const upstream = await timeLoop(forwardEcho, 0, input.durationMs);
  add({
    name: "step: upstream leg, forward() via the pool",
    what: "Gatehouse's pooled SDK client → fixture, through the SSRF-guarded fetch",
    stats: upstream,
    fixture: await input.timing.fixture.stats(),
  });

  add({
    name: "step: audit insert, recordAgentRequest()",
    what: "one audit row in its own transaction: BEGIN, set_config (RLS scope), INSERT, COMMIT",
    stats: await timeLoop(
      () =>
        recordAgentRequest({
          tenantId: snapshot.tenant.id,
          agentId: agent.id,
          agentName: agent.name,
          keyPrefix: "gth_agt_bench",
          sessionId: null,
          method: "tools/call",
          server: server.name,
          tool: "echo",
          arguments: { message: "hello" },
          decision: "allowed",
          outcome: "ok",
          upstreamMs: 1,
          totalMs: 1,
          clientName: "gatehouse-bench",
          clientVersion: "1.0.0",
          jsonrpcId: 1,
        }),
      stepWarmup,
      input.durationMs,
    ),
  });

  const { db } = await getDatabase();
  add({
    name: "step: one pooled Postgres query (select 1)",
    what: "for scale: one round trip to Postgres",
    stats: await timeLoop(() => db.execute(sql`select 1`), stepWarmup, short),
  });
  return rows;
}
