import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey, revokeAgentKey } from "@/lib/agents/keys";
import { updateRole } from "@/lib/policy/roles";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { createGatewayTenant, type GatewayTenant } from "@/test/gateway";

// Two app processes on one database behind "the same URL": the client's fetch
// alternates between them, so consecutive requests of one session land on
// different processes. The test process itself makes the admin changes.
const processes: ChildProcess[] = [];
const origins: string[] = [];
let fixture: FixtureHttp;
let gw: GatewayTenant;

async function startProcess(): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/gateway-process.ts"], {
    env: { ...process.env, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  processes.push(child);
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  for await (const chunk of child.stdout! as AsyncIterable<string>) {
    buffer += chunk;
    const match = /listening (\S+)/.exec(buffer);
    if (match) return match[1]!;
  }
  throw new Error(`gateway process exited before listening: ${buffer}`);
}

/** A fetch that sends each request to the next process in turn. */
function roundRobin(): typeof fetch {
  let next = 0;
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = new URL(origins[next++ % origins.length]!);
    url.host = target.host;
    return fetch(url, init);
  };
}

async function connect(key: string, fetchVia: typeof fetch = roundRobin()): Promise<Client> {
  const client = new Client({ name: "two-process-agent", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${origins[0]}/t/${gw.slug}/mcp`), { fetch: fetchVia, requestInit: { headers: { authorization: `Bearer ${key}` } } }),
  );
  return client;
}

async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  fixture = await startFixtureHttp();
  gw = await createGatewayTenant({
    server: { transport: "streamable_http", url: fixture.url },
    rules: [{ server: "fixture", pattern: "*", effect: "allow" }],
  });
  origins.push(...(await Promise.all([startProcess(), startProcess()])));
}, 60_000);

afterAll(async () => {
  for (const child of processes) {
    child.kill("SIGTERM");
    if (child.exitCode === null) await once(child, "exit");
  }
  await fixture?.close();
});

// The embedded database belongs to one process, so this needs Postgres (as in CI).
describe.skipIf(!process.env.DATABASE_URL)("two app processes on one database", () => {
  it("serve one agent session between them", async () => {
    const client = await connect(gw.key);
    for (let i = 0; i < 4; i++) {
      const result = await client.callTool({ name: "fixture__add", arguments: { a: i, b: 1 } });
      expect(JSON.stringify(result.content)).toContain(String(i + 1));
    }
    await client.close();
  });

  it("both see a role change within a second", async () => {
    const pinned = await Promise.all(origins.map((o) => connect(gw.key, (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.host = new URL(o).host;
      return fetch(url, init);
    })));
    for (const client of pinned) expect((await client.listTools()).tools.map((t) => t.name)).toContain("fixture__echo");
    await updateRole(gw.ctx, "agent-role", { rules: [{ server: "fixture", pattern: "add", effect: "allow" }] });
    for (const client of pinned) {
      await within(1_000, async () => !(await client.listTools()).tools.some((t) => t.name === "fixture__echo"));
      const denied = await client.callTool({ name: "fixture__echo", arguments: { text: "x" } }).then(() => "ok", (e: Error) => e.message);
      expect(denied).toMatch(/Unknown tool/);
      await client.close();
    }
    await updateRole(gw.ctx, "agent-role", { rules: [{ server: "fixture", pattern: "*", effect: "allow" }] });
  });

  it("both refuse a revoked key within a second", async () => {
    const agent = await createAgent(gw.ctx, { name: "revoke-across", roles: ["agent-role"] });
    const { key, secret } = await createAgentKey(gw.ctx, agent.id, {});
    const initialize = (origin: string) =>
      fetch(`${origin}/t/${gw.slug}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } }),
      }).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      });
    for (const origin of origins) expect(await initialize(origin)).toBe(200);
    await revokeAgentKey(gw.ctx, agent.id, key.id);
    for (const origin of origins) await within(1_000, async () => (await initialize(origin)) === 401);
  });

  it("deliver a cancellation to the process that holds the call", async () => {
    const client = await connect(gw.key);
    const controller = new AbortController();
    const call = client.callTool({ name: "fixture__slow", arguments: { ms: 10_000 } }, undefined, { signal: controller.signal }).catch((e: Error) => e);
    await within(2_000, async () => fixture.record.calls.some((c) => c.name === "slow"));
    controller.abort("changed my mind");
    expect(await call).toBeInstanceOf(Error);
    await within(2_000, async () => fixture.record.cancelled.length > 0);
    await client.close();
  });
});
