import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, ListToolsResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ServerStats, Timing } from "./timing";

/** One simulated agent: an MCP client session and the names it calls things by on its path. */
export type Agent = { client: Client; toolPrefix: string };

export type Operation = { kind: "call" } | { kind: "list"; expectTools: number };

export type Stats = {
  calls: number;
  errors: number;
  firstError?: string;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** Completed calls per second over the measured window. */
  throughput: number;
};

const CLIENT_INFO = { name: "gatehouse-bench", version: "1.0.0" };

/**
 * The SDK hands every fetch its transport's long-lived AbortSignal. undici keeps
 * one listener per request on that signal until the request is garbage
 * collected, and Node 20's bundled fetch prints a warning for each one past
 * 1,500. A per-request signal, unlinked once the answer's headers are in, keeps
 * the load generator's own cost flat. GET streams keep the transport's signal:
 * closing the client must end them.
 */
const agentFetch: typeof fetch = async (input, init) => {
  const outer = init?.signal;
  if (!outer || init?.method === "GET") return fetch(input, init);
  const inner = new AbortController();
  const relay = () => inner.abort(outer.reason);
  if (outer.aborted) inner.abort(outer.reason);
  else outer.addEventListener("abort", relay, { once: true });
  try {
    return await fetch(input, { ...init, signal: inner.signal });
  } finally {
    outer.removeEventListener("abort", relay);
  }
};

export async function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: agentFetch, requestInit: { headers } }));
  return client;
}

/** A client that spawns the stdio fixture as its child; closing the client stops it. */
export async function connectStdio(command: string, args: string[], cwd: string): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  await client.connect(new StdioClientTransport({ command, args, cwd, stderr: "inherit" }));
  return client;
}

/** The request each cell sends: a tools/call of `echo`, or a tools/list checked for its length. */
export async function perform(agent: Agent, op: Operation): Promise<void> {
  if (op.kind === "call") {
    const result = await agent.client.request(
      { method: "tools/call", params: { name: `${agent.toolPrefix}echo`, arguments: { message: "hello" } } },
      CallToolResultSchema,
    );
    if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
    return;
  }
  const result = await agent.client.request({ method: "tools/list", params: {} }, ListToolsResultSchema);
  if (result.tools.length !== op.expectTools) throw new Error(`tools/list returned ${result.tools.length} tools, expected ${op.expectTools}`);
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(latencies: number[], errors: number, elapsedMs: number, firstError?: string): Stats {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    calls: latencies.length,
    errors,
    firstError,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: latencies.length ? sum / latencies.length : NaN,
    throughput: latencies.length / (elapsedMs / 1000),
  };
}

/**
 * Closed loop: each agent sends its next request as soon as the previous one
 * is answered, for `warmupMs` (discarded) and then `durationMs` (measured).
 * Latency is per request, end to end as the agent sees it; throughput counts
 * the requests completed in the measured window.
 */
export async function runCell(agents: Agent[], op: Operation, warmupMs: number, durationMs: number, beforeMeasure?: () => Promise<void>): Promise<Stats> {
  const loop = async (until: number, record?: (ms: number) => void, fail?: (e: unknown) => void) => {
    await Promise.all(
      agents.map(async (agent) => {
        while (performance.now() < until) {
          const t0 = performance.now();
          try {
            await perform(agent, op);
            record?.(performance.now() - t0);
          } catch (e) {
            if (!fail) throw e;
            fail(e);
          }
        }
      }),
    );
  };
  await loop(performance.now() + warmupMs);
  await beforeMeasure?.();
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await loop(
    started + durationMs,
    (ms) => latencies.push(ms),
    (e) => {
      errors++;
      firstError ??= e instanceof Error ? e.message : String(e);
    },
  );
  return summarize(latencies, errors, performance.now() - started, firstError);
}

/** One benchmark path in a group: its agents, the timing of its front server and of the fixture behind it, where measured. */
export type Contender = { name: string; agents: Agent[]; timing?: Timing; upstreamTiming?: Timing };

export type Measured = { stats: Stats; server?: ServerStats; upstream?: ServerStats };

/**
 * Measures several paths under the same load, interleaved: `rounds` rounds in
 * which each path runs for durationMs / rounds, in an order rotated every
 * round. On a machine shared with other work, a burst of that work then lands
 * on every path alike instead of on whichever happened to run at the time.
 * Each path is warmed up for `warmupMs` first.
 */
export async function runInterleaved(
  contenders: Contender[],
  op: Operation,
  options: { warmupMs: number; durationMs: number; rounds: number },
): Promise<Map<string, Measured>> {
  for (const c of contenders) await runCell(c.agents, op, options.warmupMs, 0);
  const timings = [...new Set(contenders.flatMap((c) => [c.timing, c.upstreamTiming]).filter((t): t is Timing => t !== undefined))];
  await Promise.all(timings.map((t) => t.reset()));
  await Promise.all(timings.map((t) => t.pause()));
  const slice = options.durationMs / options.rounds;
  const acc = new Map(contenders.map((c) => [c.name, { latencies: [] as number[], errors: 0, firstError: undefined as string | undefined, elapsed: 0 }]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length]!;
      const a = acc.get(c.name)!;
      await c.timing?.record(c.name);
      await c.upstreamTiming?.record(c.name);
      const started = performance.now();
      const until = started + slice;
      await Promise.all(
        c.agents.map(async (agent) => {
          while (performance.now() < until) {
            const t0 = performance.now();
            try {
              await perform(agent, op);
              a.latencies.push(performance.now() - t0);
            } catch (e) {
              a.errors++;
              a.firstError ??= e instanceof Error ? e.message : String(e);
            }
          }
        }),
      );
      a.elapsed += performance.now() - started;
      await c.timing?.pause();
      await c.upstreamTiming?.pause();
    }
  }
  const results = new Map<string, Measured>();
  for (const c of contenders) {
    const a = acc.get(c.name)!;
    results.set(c.name, {
      stats: summarize(a.latencies, a.errors, a.elapsed, a.firstError),
      server: await c.timing?.stats(c.name),
      upstream: await c.upstreamTiming?.stats(c.name),
    });
  }
  return results;
}

/** Runs `fn` back to back for `durationMs` after `warmupMs`, for the in-process breakdown. */
export async function timeLoop(fn: () => Promise<unknown>, warmupMs: number, durationMs: number): Promise<Stats> {
  const warm = performance.now() + warmupMs;
  while (performance.now() < warm) await fn();
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + durationMs;
  while (performance.now() < until) {
    const t0 = performance.now();
    await fn();
    latencies.push(performance.now() - t0);
  }
  return summarize(latencies, 0, performance.now() - started);
}
