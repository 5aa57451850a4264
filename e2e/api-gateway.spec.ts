import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { APIRequestContext } from "@playwright/test";
import { startFixtureHttp, type FixtureHttp } from "../test/fixtures/upstream/server";
import { expect, expectApiError, expectJson, seedTenant, test, type SeededTenant } from "./fixtures";

// The gateway's admin API over real HTTP, the way config-as-code drives it:
// an admin token registers an upstream (a fixture on 127.0.0.1, which
// e2e/serve.ts allows), writes a role, creates an agent and issues it a key;
// a real MCP client then connects with that key and its call shows in the
// audit log the same token reads.

const UPSTREAM_TOKEN = "fixture-upstream-bearer-0123456789";

type Server = { id: string; name: string; url: string; auth: { kind: string; hint: string | null }; catalog: { error: string | null; toolCount: number } };
type Agent = { id: string; name: string; roles: string[]; activeKeys: number };
type AgentKey = { id: string; name: string; displayPrefix: string; revokedAt: string | null };
type Role = { id: string; name: string; rules: Array<{ server: string; pattern: string; effect: string; target: string }>; agents: Array<{ id: string }> };
type AuditEvent = { id: string; occurredAt: string; agentId: string | null; method: string; server: string | null; tool: string | null; decision: string; outcome: string; arguments: unknown };

/** An admin token of `role` in the tenant, and headers that send it. */
async function adminToken(ownerApi: APIRequestContext, slug: string, role = "admin"): Promise<Record<string, string>> {
  const { secret } = await expectJson<{ secret: string }>(await ownerApi.post(`/api/v1/tenants/${slug}/tokens`, { data: { name: `${role} token`, role } }), 201);
  return { authorization: `Bearer ${secret}` };
}

async function connect(endpoint: string, key: string): Promise<Client> {
  const client = new Client({ name: "e2e-api-client", version: "2.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

test.describe("gateway admin API", () => {
  let upstream: FixtureHttp;

  test.beforeAll(async () => {
    upstream = await startFixtureHttp({ requireBearer: UPSTREAM_TOKEN });
  });

  test.afterAll(async () => {
    await upstream?.close();
  });

  test("server, role, agent and key by API; a real MCP client calls a tool; the call is in the audit log", async ({ ownerApi, request, baseURL }) => {
    const tenant = await seedTenant(ownerApi);
    const headers = await adminToken(ownerApi, tenant.slug);
    const api = `/api/v1/tenants/${tenant.slug}`;
    const texts: string[] = [];
    const json = async <T>(res: Awaited<ReturnType<APIRequestContext["get"]>>, status: number) => {
      const body = await expectJson<T>(res, status);
      texts.push(JSON.stringify(body));
      return body;
    };

    // ── Servers: register the fixture with a bearer credential the gateway injects.
    const { server } = await json<{ server: Server }>(
      await request.post(`${api}/servers`, {
        headers,
        data: { name: "fixture", transport: "streamable_http", url: upstream.url, auth: { kind: "bearer", token: UPSTREAM_TOKEN } },
      }),
      201,
    );
    expect(server).toMatchObject({ name: "fixture", url: upstream.url, auth: { kind: "bearer", hint: `Bearer ••••${UPSTREAM_TOKEN.slice(-4)}` }, catalog: { error: null } });
    expect(server.catalog.toolCount).toBeGreaterThan(0);

    const listed = await json<{ servers: Server[] }>(await request.get(`${api}/servers`, { headers }), 200);
    expect(listed.servers.map((s) => s.id)).toEqual([server.id]);
    await json(await request.get(`${api}/servers/fixture`, { headers }), 200);

    const { tools } = await json<{ tools: Array<{ name: string; hash: string; definition: { name: string; inputSchema: unknown } }> }>(
      await request.get(`${api}/servers/fixture/tools`, { headers }),
      200,
    );
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "add", "delete_everything"]));
    for (const tool of tools) {
      expect(tool.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(tool.definition.name).toBe(tool.name);
    }

    const probe = await json<{ ok: boolean; error: string | null; tools: Array<{ name: string }>; serverInfo: { name: string } }>(
      await request.post(`${api}/servers/fixture/test`, { headers }),
      200,
    );
    expect(probe).toMatchObject({ ok: true, error: null, serverInfo: { name: "gatehouse-fixture" } });
    expect(probe.tools.map((t) => t.name)).toEqual(tools.map((t) => t.name));

    // Bad input changes nothing: a private address, a duplicate name.
    const refused = await expectApiError(
      await request.post(`${api}/servers`, { headers, data: { name: "internal", transport: "streamable_http", url: "http://10.0.0.1/mcp" } }),
      422,
      "validation_failed",
    );
    expect(refused.message).toContain("10.0.0.1, a private address");
    const duplicate = await expectApiError(
      await request.post(`${api}/servers`, { headers, data: { name: "fixture", transport: "streamable_http", url: upstream.url } }),
      409,
      "conflict",
    );
    expect(duplicate.fields).toEqual({ name: ["This name is taken."] });
    const badAuth = await expectApiError(
      await request.post(`${api}/servers`, { headers, data: { name: "other", transport: "streamable_http", url: upstream.url, auth: { kind: "headers", headers: { Host: "x" } } } }),
      422,
      "validation_failed",
    );
    expect(badAuth.fields).toEqual({ "auth.headers.Host": ["Gatehouse sets this header itself."] });
    expect((await json<{ servers: Server[] }>(await request.get(`${api}/servers`, { headers }), 200)).servers).toHaveLength(1);

    // ── Roles: PUT creates, PUT again replaces with the same result.
    const roleBody = {
      description: "Fixture users",
      rules: [
        { server: "fixture", pattern: "*", effect: "allow" },
        { server: "fixture", pattern: "delete_*", effect: "deny" },
      ],
    };
    const { role } = await json<{ role: Role }>(await request.put(`${api}/roles/fixture-users`, { headers, data: roleBody }), 200);
    expect(role.rules).toEqual(roleBody.rules.map((r) => ({ target: "tool", condition: null, message: null, approval: null, ...r })));
    const again = await json<{ role: Role }>(await request.put(`${api}/roles/fixture-users`, { headers, data: roleBody }), 200);
    expect(again.role.id).toBe(role.id);
    expect((await json<{ roles: Role[] }>(await request.get(`${api}/roles`, { headers }), 200)).roles.map((r) => r.name)).toEqual(["fixture-users"]);
    const badRule = await expectApiError(
      await request.post(`${api}/roles`, { headers, data: { name: "bad", rules: [{ server: "Bad Name", pattern: "*", effect: "maybe" }] } }),
      422,
      "validation_failed",
    );
    expect(Object.keys(badRule.fields ?? {}).sort()).toEqual(["rules.0.effect", "rules.0.server"]);

    // ── Agents and a key, shown once.
    const { agent } = await json<{ agent: Agent }>(await request.post(`${api}/agents`, { headers, data: { name: "ci-bot", roles: ["fixture-users"] } }), 201);
    expect(agent).toMatchObject({ name: "ci-bot", roles: ["fixture-users"], activeKeys: 0 });
    await expectApiError(await request.post(`${api}/agents`, { headers, data: { name: "ghost", roles: ["nope"] } }), 422, "validation_failed");

    const issued = await expectJson<{ key: AgentKey; secret: string }>(await request.post(`${api}/agents/${agent.id}/keys`, { headers, data: { name: "e2e" } }), 201);
    expect(issued.secret).toMatch(/^gth_agt_/);
    const keyList = await (await request.get(`${api}/agents/${agent.id}/keys`, { headers })).text();
    expect(keyList).not.toContain(issued.secret);
    expect(JSON.parse(keyList).keys).toEqual([expect.objectContaining({ id: issued.key.id, revokedAt: null })]);
    expect((await json<{ agent: Agent }>(await request.get(`${api}/agents/${agent.id}`, { headers }), 200)).agent.activeKeys).toBe(1);

    // ── A real MCP client with that key.
    const endpoint = `${baseURL}/t/${tenant.slug}/mcp`;
    const client = await connect(endpoint, issued.secret);
    const { tools: visible } = await client.listTools();
    const names = visible.map((t) => t.name);
    expect(names).toContain("fixture__echo");
    expect(names).toContain("fixture__add");
    expect(names).not.toContain("fixture__delete_everything");
    const result = await client.callTool({ name: "fixture__add", arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(result.content)).toContain("42");
    await client.close();

    // ── The audit log, filtered and paged.
    const calls = await json<{ events: AuditEvent[]; nextCursor: string | null }>(
      await request.get(`${api}/audit-events?agent=${agent.id}&method=tools/call&server=fixture&tool=add&outcome=ok&decision=allowed`, { headers }),
      200,
    );
    expect(calls.events).toHaveLength(1);
    expect(calls.events[0]).toMatchObject({ agentId: agent.id, method: "tools/call", server: "fixture", tool: "add", decision: "allowed", outcome: "ok", arguments: { a: 2, b: 40 } });
    expect(new Date(calls.events[0]!.occurredAt).toISOString()).toBe(calls.events[0]!.occurredAt);

    const all = await json<{ events: AuditEvent[] }>(await request.get(`${api}/audit-events?agent=ci-bot`, { headers }), 200);
    expect(all.events.length).toBeGreaterThanOrEqual(3); // initialize, tools/list, tools/call at least
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { events: AuditEvent[]; nextCursor: string | null } = await json(
        await request.get(`${api}/audit-events?agent=ci-bot&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { headers }),
        200,
      );
      paged.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor && paged.length <= all.events.length);
    expect(paged).toEqual(all.events.map((e) => e.id));
    const badCursor = await expectApiError(await request.get(`${api}/audit-events?cursor=garbage`, { headers }), 422, "validation_failed");
    expect(badCursor.fields).toEqual({ cursor: ["Invalid cursor."] });
    await expectApiError(await request.get(`${api}/audit-events?limit=500`, { headers }), 422, "validation_failed");

    // The upstream credential never left Gatehouse.
    for (const text of texts) expect(text).not.toContain(UPSTREAM_TOKEN);

    // ── Revoke the key: the next connection is refused.
    const revoked = await request.delete(`${api}/agents/${agent.id}/keys/${issued.key.id}`, { headers });
    expect(revoked.status(), await revoked.text()).toBe(204);
    await expect(connect(endpoint, issued.secret)).rejects.toThrow(/401|Unauthorized/);
    await expectApiError(await request.delete(`${api}/agents/${agent.id}/keys/key_nope`, { headers }), 404, "not_found");

    // ── PATCH and DELETE.
    const patched = await json<{ role: Role }>(await request.patch(`${api}/roles/fixture-users`, { headers, data: { rules: [] } }), 200);
    expect(patched.role).toMatchObject({ rules: [], agents: [{ id: agent.id }] });
    const renamed = await json<{ server: Server }>(await request.patch(`${api}/servers/fixture`, { headers, data: { description: "renamed nothing" } }), 200);
    expect(renamed.server.auth.kind).toBe("bearer");
    for (const path of [`${api}/agents/${agent.id}`, `${api}/roles/fixture-users`, `${api}/servers/fixture`]) {
      const res = await request.delete(path, { headers });
      expect(res.status(), `DELETE ${path}: ${await res.text()}`).toBe(204);
      await expectApiError(await request.get(path, { headers }), 404, "not_found");
    }
  });

  test("roles of the token decide: a viewer reads configuration, cannot change it, cannot read audit", async ({ ownerApi, request }) => {
    const tenant = await seedTenant(ownerApi);
    const admin = await adminToken(ownerApi, tenant.slug);
    const viewer = await adminToken(ownerApi, tenant.slug, "viewer");
    const reviewer = await adminToken(ownerApi, tenant.slug, "reviewer");
    const api = `/api/v1/tenants/${tenant.slug}`;
    await expectJson(await request.put(`${api}/roles/readers`, { headers: admin, data: { rules: [] } }), 200);

    for (const path of ["servers", "agents", "roles", "roles/readers"]) await expectJson(await request.get(`${api}/${path}`, { headers: viewer }), 200);
    await expectApiError(await request.post(`${api}/servers`, { headers: viewer, data: { name: "x1", transport: "sse", url: upstream.sseUrl } }), 403, "forbidden");
    await expectApiError(await request.post(`${api}/agents`, { headers: viewer, data: { name: "x" } }), 403, "forbidden");
    await expectApiError(await request.put(`${api}/roles/readers`, { headers: viewer, data: { rules: [{ server: "*", pattern: "*", effect: "allow" }] } }), 403, "forbidden");
    await expectApiError(await request.delete(`${api}/roles/readers`, { headers: viewer }), 403, "forbidden");
    await expectApiError(await request.get(`${api}/audit-events`, { headers: viewer }), 403, "forbidden");
    await expectJson(await request.get(`${api}/audit-events`, { headers: reviewer }), 200);

    const { role } = await expectJson<{ role: Role }>(await request.get(`${api}/roles/readers`, { headers: admin }), 200);
    expect(role.rules).toEqual([]);
  });

  test("a token sees only its own tenant's servers, agents and roles", async ({ ownerApi, request }) => {
    const a: SeededTenant = await seedTenant(ownerApi);
    const b: SeededTenant = await seedTenant(ownerApi);
    const tokenA = await adminToken(ownerApi, a.slug);
    const tokenB = await adminToken(ownerApi, b.slug);
    await expectJson(await request.put(`/api/v1/tenants/${a.slug}/roles/secret-role`, { headers: tokenA, data: {} }), 200);
    const { agent } = await expectJson<{ agent: Agent }>(await request.post(`/api/v1/tenants/${a.slug}/agents`, { headers: tokenA, data: { name: "a-bot" } }), 201);

    // B's token, pointed at A's tenant: that tenant does not exist for it.
    await expectApiError(await request.get(`/api/v1/tenants/${a.slug}/roles`, { headers: tokenB }), 404, "not_found");
    // B's token in its own tenant, naming A's agent and role: they do not exist there.
    await expectApiError(await request.get(`/api/v1/tenants/${b.slug}/agents/${agent.id}`, { headers: tokenB }), 404, "not_found");
    await expectApiError(await request.delete(`/api/v1/tenants/${b.slug}/agents/${agent.id}`, { headers: tokenB }), 404, "not_found");
    await expectApiError(await request.post(`/api/v1/tenants/${b.slug}/agents/${agent.id}/keys`, { headers: tokenB, data: {} }), 404, "not_found");
    await expectApiError(await request.delete(`/api/v1/tenants/${b.slug}/roles/secret-role`, { headers: tokenB }), 404, "not_found");
    await expectJson(await request.get(`/api/v1/tenants/${a.slug}/agents/${agent.id}`, { headers: tokenA }), 200);
  });

  test("a wrong method → 405 JSON with Allow", async ({ request }) => {
    for (const [method, path, allow] of [
      ["PUT", "/api/v1/tenants/acme/servers", "GET, POST"],
      ["POST", "/api/v1/tenants/acme/servers/fixture", "GET, PATCH, DELETE"],
      ["GET", "/api/v1/tenants/acme/servers/fixture/test", "POST"],
      ["POST", "/api/v1/tenants/acme/roles/readers", "GET, PUT, PATCH, DELETE"],
      ["PATCH", "/api/v1/tenants/acme/agents/agt_x/keys/key_x", "DELETE"],
      ["DELETE", "/api/v1/tenants/acme/audit-events", "GET"],
    ] as const) {
      const res = await request.fetch(path, { method, data: method === "GET" ? undefined : {} });
      await expectApiError(res, 405, "method_not_allowed");
      expect(res.headers()["allow"], `${method} ${path}`).toBe(allow);
    }
  });

  test("the MCP endpoint without a key → 401 pointing at its protected-resource metadata", async ({ ownerApi, request, baseURL }) => {
    const tenant = await seedTenant(ownerApi);
    const res = await request.post(`/t/${tenant.slug}/mcp`, {
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      data: { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } },
    });
    expect(res.status()).toBe(401);
    const challenge = res.headers()["www-authenticate"] ?? "";
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl, challenge).toBeTruthy();

    const metadata = await expectJson<{ resource: string; bearer_methods_supported: string[] }>(await request.get(metadataUrl!), 200);
    expect(metadata.resource).toBe(`${baseURL}/t/${tenant.slug}/mcp`);
    expect(metadata.bearer_methods_supported).toEqual(["header"]);
  });

  test("the OpenAPI document lists the gateway operations", async ({ request }) => {
    const doc = await expectJson<any>(await request.get("/api/v1/openapi.json"), 200);
    const ops = Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.entries<any>(item).map(([method, op]) => `${method} ${path} ${op.operationId}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        "get /tenants/{tenant}/servers listServers",
        "post /tenants/{tenant}/servers createServer",
        "get /tenants/{tenant}/servers/{server} getServer",
        "patch /tenants/{tenant}/servers/{server} updateServer",
        "delete /tenants/{tenant}/servers/{server} deleteServer",
        "post /tenants/{tenant}/servers/{server}/test testServer",
        "get /tenants/{tenant}/servers/{server}/tools listServerTools",
        "get /tenants/{tenant}/agents listAgents",
        "post /tenants/{tenant}/agents createAgent",
        "get /tenants/{tenant}/agents/{agentId} getAgent",
        "patch /tenants/{tenant}/agents/{agentId} updateAgent",
        "delete /tenants/{tenant}/agents/{agentId} deleteAgent",
        "get /tenants/{tenant}/agents/{agentId}/keys listAgentKeys",
        "post /tenants/{tenant}/agents/{agentId}/keys createAgentKey",
        "delete /tenants/{tenant}/agents/{agentId}/keys/{keyId} revokeAgentKey",
        "get /tenants/{tenant}/roles listRoles",
        "post /tenants/{tenant}/roles createRole",
        "get /tenants/{tenant}/roles/{role} getRole",
        "put /tenants/{tenant}/roles/{role} putRole",
        "patch /tenants/{tenant}/roles/{role} updateRole",
        "delete /tenants/{tenant}/roles/{role} deleteRole",
        "get /tenants/{tenant}/audit-events listAuditEvents",
      ]),
    );
    const audit = doc.paths["/tenants/{tenant}/audit-events"].get;
    expect(audit.parameters.filter((p: any) => p.in === "query").map((p: any) => p.name)).toEqual([
      "q", "agent", "member", "server", "tool", "method", "action", "kind", "approval", "outcome", "decision", "severity", "minLatencyMs", "maxLatencyMs", "from", "to", "cursor", "limit",
    ]);
    // Credentials go in, never come out.
    const server = doc.paths["/tenants/{tenant}/servers"].post;
    expect(JSON.stringify(server.requestBody)).toContain('"token"');
    expect(JSON.stringify(server.responses["201"])).not.toContain('"token"');
    expect(server.responses["201"].content["application/json"].schema.properties.server.properties.auth.properties).toHaveProperty("hint");
  });
});
