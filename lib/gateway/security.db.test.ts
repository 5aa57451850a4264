import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { agentKeys } from "@/db/schema";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey, revokeAgentKey } from "@/lib/agents/keys";
import { inTenant } from "@/lib/db";
import { publish } from "@/lib/events/bus";
import { getServer, listServers } from "@/lib/registry/servers";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { superuserQuery } from "@/test/superuser";
import { connectAgent, createGatewayTenant, endpointUrl, gatewayFetch, rawPost, type GatewayTenant } from "@/test/gateway";

const CANARY = "canary-upstream-secret-7f3a9c2e5b";
const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});

let fixture: FixtureHttp;
let gw: GatewayTenant;
let other: GatewayTenant;

beforeAll(async () => {
  fixture = await startFixtureHttp({ requireBearer: CANARY });
  gw = await createGatewayTenant({
    server: { transport: "streamable_http", url: fixture.url, auth: { kind: "bearer", token: CANARY } },
    rules: [{ server: "*", pattern: "*", effect: "allow" }],
  });
  other = await createGatewayTenant({
    server: { transport: "streamable_http", url: fixture.url, auth: { kind: "bearer", token: CANARY } },
    rules: [{ server: "*", pattern: "*", effect: "allow" }],
  });
});

afterAll(async () => {
  await fixture?.close();
});

async function initialize(slug: string, key: string) {
  const res = await rawPost(slug, INIT, { authorization: `Bearer ${key}` });
  return { res, sessionId: res.headers.get("mcp-session-id") };
}

describe("agent authentication", () => {
  it("answers a request without a key with 401 pointing at the protected-resource metadata", async () => {
    const res = await rawPost(gw.slug, INIT);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="http://127.0.0.1:3999/.well-known/oauth-protected-resource/t/${gw.slug}/mcp"`,
    );
    expect((await res.json()).error.message).toMatch(/agent key/);
  });

  it.each([
    ["a malformed header", "Basic abc"],
    ["an unknown key", "Bearer gth_agt_thisKeyDoesNotExist0000000000000000000000"],
    ["an admin-token-shaped key", "Bearer gth_adm_0000000000000000000000000000000000000000"],
    ["an overlong key", `Bearer gth_agt_${"x".repeat(500)}`],
  ])("answers %s with the same 401", async (_, authorization) => {
    const res = await rawPost(gw.slug, INIT, { authorization });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer resource_metadata=/);
  });

  it("answers another tenant's key, and an unknown tenant, exactly like a wrong key", async () => {
    const wrongTenant = await rawPost(gw.slug, INIT, { authorization: `Bearer ${other.key}` });
    const noTenant = await rawPost("no-such-tenant-x", INIT, { authorization: `Bearer ${gw.key}` });
    const wrongKey = await rawPost(gw.slug, INIT, { authorization: "Bearer gth_agt_nope" });
    for (const res of [wrongTenant, noTenant, wrongKey]) expect(res.status).toBe(401);
    const bodies = await Promise.all([wrongTenant, noTenant, wrongKey].map((r) => r.json()));
    expect(bodies[0]).toEqual(bodies[2]);
    expect(bodies[1]).toEqual(bodies[2]);
  });

  it("refuses a revoked key on its next request", async () => {
    const agent = await createAgent(gw.ctx, { name: "revoked-one", roles: ["agent-role"] });
    const { key, secret } = await createAgentKey(gw.ctx, agent.id, {});
    const client = await connectAgent(gw.slug, secret);
    await client.listTools();
    await revokeAgentKey(gw.ctx, agent.id, key.id);
    await expect(client.listTools()).rejects.toThrow(/401|Unauthorized/);
    const res = await rawPost(gw.slug, INIT, { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(401);
  });

  it("refuses a key once it has expired", async () => {
    const agent = await createAgent(gw.ctx, { name: "expiring-one", roles: ["agent-role"] });
    const { key, secret } = await createAgentKey(gw.ctx, agent.id, { expiresInDays: 1 });
    expect((await initialize(gw.slug, secret)).res.status).toBe(200);
    // Let the clock run out: the key now expires in 300 ms.
    await inTenant(gw.ctx.tenant.id, async (tx) => {
      await tx.update(agentKeys).set({ expiresAt: new Date(Date.now() + 300) }).where(and(eq(agentKeys.tenantId, gw.ctx.tenant.id), eq(agentKeys.id, key.id)));
      await publish(tx, { kind: "config", tenantId: gw.ctx.tenant.id });
    });
    await new Promise((r) => setTimeout(r, 400));
    expect((await initialize(gw.slug, secret)).res.status).toBe(401);
  });

  it("serves the protected-resource metadata the 401 points at", async () => {
    const { protectedResourceMetadata } = await import("./resource-metadata");
    const res = protectedResourceMetadata(new Request(`http://127.0.0.1:3999/.well-known/oauth-protected-resource/t/${gw.slug}/mcp`), gw.slug);
    expect(await res.json()).toMatchObject({ resource: `http://127.0.0.1:3999/t/${gw.slug}/mcp`, bearer_methods_supported: ["header"] });
  });
});

describe("sessions", () => {
  it("binds a session to the agent that opened it", async () => {
    const { sessionId } = await initialize(gw.slug, gw.key);
    expect(sessionId).toMatch(/^ses_/);
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const mine = await rawPost(gw.slug, list, { authorization: `Bearer ${gw.key}`, "mcp-session-id": sessionId!, "mcp-protocol-version": "2025-06-18" });
    expect(mine.status).toBe(200);
    const agent = await createAgent(gw.ctx, { name: "someone-else", roles: ["agent-role"] });
    const { secret } = await createAgentKey(gw.ctx, agent.id, {});
    const theirs = await rawPost(gw.slug, list, { authorization: `Bearer ${secret}`, "mcp-session-id": sessionId!, "mcp-protocol-version": "2025-06-18" });
    expect(theirs.status).toBe(404);
  });

  it("requires a session after initialize, and forgets one that was deleted", async () => {
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const auth = { authorization: `Bearer ${gw.key}`, "mcp-protocol-version": "2025-06-18" };
    expect((await rawPost(gw.slug, list, auth)).status).toBe(400);
    expect((await rawPost(gw.slug, list, { ...auth, "mcp-session-id": "ses_unknown0000000000000" })).status).toBe(404);
    const { sessionId } = await initialize(gw.slug, gw.key);
    const del = await gatewayFetch(endpointUrl(gw.slug), { method: "DELETE", headers: { ...auth, "mcp-session-id": sessionId! } });
    expect(del.status).toBe(204);
    expect((await rawPost(gw.slug, list, { ...auth, "mcp-session-id": sessionId! })).status).toBe(404);
  });
});

describe("malformed requests get a clear error", () => {
  const auth = () => ({ authorization: `Bearer ${gw.key}` });

  it.each([
    ["invalid JSON", 400, -32700, "{nope"],
    ["a batch", 400, -32600, JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }])],
    ["not JSON-RPC", 400, -32600, JSON.stringify({ hello: "world" })],
    ["initialize without clientInfo", 400, -32602, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18" } })],
  ])("answers %s with HTTP %i and JSON-RPC %i", async (_, status, code, body) => {
    const res = await rawPost(gw.slug, body, auth());
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it("refuses a body over the size limit with 413", async () => {
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(5 * 1024 * 1024) } });
    expect((await rawPost(gw.slug, huge, auth())).status).toBe(413);
  });

  it("refuses a wrong content type (415) and a wrong Accept (406)", async () => {
    expect((await rawPost(gw.slug, INIT, { ...auth(), "content-type": "text/plain" })).status).toBe(415);
    expect((await rawPost(gw.slug, INIT, { ...auth(), accept: "application/json" })).status).toBe(406);
  });

  it("refuses an unsupported protocol revision after initialize", async () => {
    const { sessionId } = await initialize(gw.slug, gw.key);
    const res = await rawPost(gw.slug, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }), {
      ...auth(),
      "mcp-session-id": sessionId!,
      "mcp-protocol-version": "2024-01-01",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/2025-11-25, 2025-06-18, 2025-03-26/);
  });

  it("offers its latest revision to a client asking for one it does not speak", async () => {
    const body = JSON.parse(INIT);
    body.params.protocolVersion = "2024-11-05";
    const res = await rawPost(gw.slug, JSON.stringify(body), auth());
    const text = await res.text();
    expect(text).toContain('"protocolVersion":"2025-11-25"');
  });

  it.each(["2025-03-26", "2025-06-18", "2025-11-25"])("speaks %s", async (version) => {
    const body = JSON.parse(INIT);
    body.params.protocolVersion = version;
    const res = await rawPost(gw.slug, JSON.stringify(body), auth());
    expect(await res.text()).toContain(`"protocolVersion":"${version}"`);
  });

  it("refuses a foreign Host or Origin (DNS rebinding)", async () => {
    const evilHost = await gatewayFetch(new URL(`http://evil.example:3999/t/${gw.slug}/mcp`), { method: "POST", headers: { ...auth(), "content-type": "application/json", accept: "application/json, text/event-stream" }, body: INIT });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await rawPost(gw.slug, INIT, { ...auth(), origin: "http://evil.example" });
    expect(evilOrigin.status).toBe(403);
  });

  it("answers other methods with 405 and Allow", async () => {
    const res = await gatewayFetch(endpointUrl(gw.slug), { method: "PUT", headers: auth() });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, DELETE");
  });
});

describe("upstream credentials", () => {
  const logged: string[] = [];
  beforeEach(() => {
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it("reach the upstream, and the agent's own key does not", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    const result = await client.callTool({ name: "fixture__whoami_headers", arguments: {} });
    const headers = JSON.parse((result.content as { text: string }[])[0]!.text) as Record<string, string>;
    expect(headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(JSON.stringify(headers)).not.toContain(gw.key);
    expect(JSON.stringify(headers)).not.toContain(gw.key.slice(8, 20));
    await client.close();
  });

  it("appear nowhere else: no table, no log line, no API view", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    await client.callTool({ name: "fixture__echo", arguments: { text: "hello" } });
    await client.close();
    const columns = await superuserQuery<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'ARRAY', 'character varying')`,
    );
    for (const { table_name, column_name } of columns) {
      const rows = await superuserQuery(`select 1 from "${table_name}" where "${column_name}"::text like $1 limit 1`, [`%${CANARY}%`]);
      expect(rows, `${table_name}.${column_name} holds the upstream secret`).toHaveLength(0);
    }
    const views = JSON.stringify([await listServers(gw.ctx), await getServer(gw.ctx, "fixture")]);
    expect(views).not.toContain(CANARY);
    expect(views).toContain("••••");
    expect(logged.join("\n")).not.toContain(CANARY);
  });
});
