import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { createRole } from "@/lib/policy/roles";
import { refreshCatalog } from "@/lib/registry/catalog";
import { createServer, getServer, updateServer } from "@/lib/registry/servers";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { createTestTenant } from "@/test/factories";
import { connectAgent } from "@/test/gateway";
import type { TenantContext } from "@/lib/tenancy/context";

// One tenant, one healthy upstream and one per way of failing. The failing
// servers are registered while healthy (so their catalogs load), then their
// URL is pointed at a misbehaving fixture with the same tools.
let good: FixtureHttp;
const bad: Record<string, FixtureHttp> = {};
let ctx: TenantContext;
let client: Client;

beforeAll(async () => {
  good = await startFixtureHttp();
  for (const mode of ["hang", "garbage", "huge"] as const) bad[mode] = await startFixtureHttp({ mode });
  ctx = await createTestTenant();
  await createServer(ctx, { name: "good", transport: "streamable_http", url: good.url });
  for (const mode of ["hang", "garbage", "huge", "down"]) {
    await createServer(ctx, { name: mode, transport: "streamable_http", url: good.url, timeoutMs: 1_500 });
  }
  for (const mode of ["hang", "garbage", "huge"] as const) await updateServer(ctx, mode, { url: bad[mode]!.url });
  const down = await startFixtureHttp();
  await down.close();
  await updateServer(ctx, "down", { url: down.url });
  await createRole(ctx, { name: "all", rules: [{ server: "*", pattern: "*", effect: "allow" }, { target: "resource", server: "*", pattern: "*", effect: "allow" }, { target: "prompt", server: "*", pattern: "*", effect: "allow" }] });
  const agent = await createAgent(ctx, { name: "failures", roles: ["all"] });
  const { secret } = await createAgentKey(ctx, agent.id, {});
  client = await connectAgent(ctx.tenant.slug, secret);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await Promise.all([good, ...Object.values(bad)].map((f) => f?.close()));
});

async function callError(name: string): Promise<McpError> {
  const error = await client.callTool({ name, arguments: { text: "x", message: "x" } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe("a failing upstream fails only its own request", () => {
  it("keeps its tools listed from the catalog, without asking it", async () => {
    const { tools } = await client.listTools();
    for (const server of ["good", "hang", "garbage", "huge", "down"]) expect(tools.map((t) => t.name)).toContain(`${server}__echo`);
  });

  it("answers a hanging upstream with a timeout naming the server, within its timeout", async () => {
    const started = Date.now();
    const error = await callError("hang__echo");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.message).toMatch(/Upstream server "hang" did not answer within 1500 ms/);
  });

  it("answers garbage with a clear protocol error", async () => {
    const error = await callError("garbage__echo");
    expect(error.message).toBe('MCP error -32603: Upstream server "garbage" answered with something that is not a valid MCP message.');
    expect(error.message).not.toMatch(/Unexpected token|SyntaxError/);
  });

  it("stops reading an upstream that answers 50 MB", async () => {
    const error = await callError("huge__echo");
    expect(error.message).toMatch(/^MCP error -32603: Upstream server "huge".*more than 10 MB/);
  });

  it("says a server that is down could not be reached", async () => {
    const error = await callError("down__echo");
    expect(error.message).toMatch(/Upstream server "down" could not be reached/);
  });

  it("still serves the healthy server afterwards, in the same session", async () => {
    const result = await client.callTool({ name: "good__echo", arguments: { text: "still here" } });
    expect(JSON.stringify(result.content)).toContain("still here");
  });

  it("lists resources and prompts of the healthy server while others fail", async () => {
    const started = Date.now();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain("good__test_simple_prompt");
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("records a failed refresh on the server and keeps the old catalog", async () => {
    const probe = await refreshCatalog(ctx.tenant.id, (await getServer(ctx, "down")).id);
    expect(probe?.ok).toBe(false);
    expect(probe?.error).toMatch(/could not be reached/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("down__echo");
  });
});
