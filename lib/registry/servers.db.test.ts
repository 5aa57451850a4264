import dns from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalHash } from "@/lib/canonical-json";
import { newId } from "@/lib/ids";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { superuserQuery } from "@/test/superuser";
import { listCatalog, testServer } from "./catalog";
import type { CreateServerInput } from "./schemas";
import { createServer, deleteServer, getServer, listServers, updateServer } from "./servers";

let fixture: FixtureHttp;
/** Answers 401 unless the gateway injects exactly this bearer token. */
let guarded: FixtureHttp;
/** Answers 401 unless the gateway injects exactly these headers. */
let headerGuarded: FixtureHttp;
/** A port nothing listens on. */
let downUrl: string;

const BEARER = "upstream-bearer-0123456789-SECRET";
const HEADER_SECRET = "header-secret-abcdef-987654";

beforeAll(async () => {
  fixture = await startFixtureHttp();
  guarded = await startFixtureHttp({ requireBearer: BEARER });
  headerGuarded = await startFixtureHttp({ requireHeaders: { "x-api-key": HEADER_SECRET } });
  const down = await startFixtureHttp();
  downUrl = down.url;
  await down.close();
});

afterAll(async () => {
  await Promise.all([fixture, guarded, headerGuarded].map((f) => f?.close()));
});

const base = (): CreateServerInput => ({ name: "fixture", transport: "streamable_http", url: fixture.url });

/** Everything Gatehouse holds about a tenant's servers, read past row-level security. */
async function serverState(tenantId: string) {
  const servers = await superuserQuery("select * from servers where tenant_id = $1 order by id", [tenantId]);
  const tools = await superuserQuery("select server_id, name, hash, position from server_tools where tenant_id = $1 order by server_id, position", [tenantId]);
  return { servers, tools };
}

/** Asserts the call fails with `code` and leaves the tenant's servers and tools exactly as they were. */
async function expectRefusedUnchanged(ctx: TenantContext, action: () => Promise<unknown>, code: Parameters<typeof expectAppError>[1], message?: string | RegExp) {
  const before = await serverState(ctx.tenant.id);
  const error = await expectAppError(action, code, message);
  expect(await serverState(ctx.tenant.id)).toEqual(before);
  return error;
}

/** Registers a platform-declared stdio server the way the operator's sync does. */
async function insertPlatformServer(ctx: TenantContext, name = "platform-tools") {
  const id = newId("server");
  await superuserQuery(
    "insert into servers (id, tenant_id, name, transport, namespace, source, platform_key) values ($1, $2, $3, 'stdio', $3, 'platform', 'test-key')",
    [id, ctx.tenant.id, name],
  );
  return id;
}

describe("createServer", () => {
  it("registers a reachable server and loads its tool catalog, each tool with the hash of its definition", async () => {
    const ctx = await createTestTenant();

    const server = await createServer(ctx, { ...base(), description: " Fixture ", tags: ["Test", "test", "ci"], timeoutMs: 5_000 });

    expect(server).toMatchObject({
      name: "fixture",
      description: "Fixture",
      tags: ["test", "ci"],
      transport: "streamable_http",
      url: fixture.url,
      namespace: "fixture",
      auth: { kind: "none", hint: null },
      timeoutMs: 5_000,
      enabled: true,
      source: "tenant",
      catalog: { error: null },
    });
    expect(server.id).toMatch(/^srv_/);
    expect(server.catalog.refreshedAt).toBeInstanceOf(Date);
    expect(server.catalog.toolCount).toBeGreaterThan(5);

    const catalog = await listCatalog(ctx, "fixture");
    expect(catalog).toHaveLength(server.catalog.toolCount);
    expect(catalog.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "add", "delete_everything"]));
    for (const tool of catalog) {
      expect(tool.definition.name).toBe(tool.name);
      expect(tool.hash).toBe(canonicalHash(tool.definition));
    }
  });

  it("registers an unreachable server with a catalog error a person can read", async () => {
    const ctx = await createTestTenant();

    const server = await createServer(ctx, { ...base(), name: "down", url: downUrl });

    expect(server.catalog).toEqual({ refreshedAt: null, error: 'Upstream server "down" could not be reached (connection refused).', toolCount: 0 });
    expect(await listCatalog(ctx, "down")).toEqual([]);
    expect((await listServers(ctx)).map((s) => s.name)).toEqual(["down"]);
  });

  it("does not connect to a server registered disabled", async () => {
    const ctx = await createTestTenant();
    const calls = fixture.record.callCount;
    const server = await createServer(ctx, { ...base(), enabled: false });
    expect(server).toMatchObject({ enabled: false, catalog: { refreshedAt: null, error: null, toolCount: 0 } });
    expect(fixture.record.callCount).toBe(calls);
  });

  it("lower-cases a name given in capitals rather than refusing it", async () => {
    const ctx = await createTestTenant();
    const server = await createServer(ctx, { ...base(), name: " GitHub " });
    expect(server.name).toBe("github");
    expect((await getServer(ctx, "github")).id).toBe(server.id);
    await expectAppError(getServer(ctx, "GitHub"), "not_found", 'The server "GitHub" was not found.');
  });

  it.each([
    ["", "A server name has at least 2 characters."],
    ["x", "A server name has at least 2 characters."],
    ["a".repeat(33), "A server name has at most 32 characters."],
    ["git__hub", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["git_hub", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["git hub", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["-github", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["github-", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["git--hub", "Use single hyphens only."],
    ["gït", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
  ])("refuses the name %j and registers nothing", async (name, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), name }), "validation_failed");
    expect(error.fields?.name?.[0]).toBe(message);
  });

  it("refuses a name the tenant already uses, with a conflict on the name, and keeps the first server", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, base());
    const error = await expectRefusedUnchanged(
      ctx,
      () => createServer(ctx, { ...base(), url: downUrl, description: "second" }),
      "conflict",
      'A server named "fixture" already exists in this tenant.',
    );
    expect(error.fields).toEqual({ name: ["This name is taken."] });
    expect((await getServer(ctx, "fixture")).url).toBe(fixture.url);
  });

  it.each([
    ["ftp://127.0.0.1/mcp", "url", "Enter an http:// or https:// URL."],
    ["file:///etc/passwd", "url", "Enter an http:// or https:// URL."],
    ["javascript:alert(1)", "url", "Enter an http:// or https:// URL."],
    ["not a url", "url", "Enter an http:// or https:// URL."],
    ["", "url", "Enter an http:// or https:// URL."],
    ["/mcp", "url", "Enter an http:// or https:// URL."],
    [`https://example.com/${"a".repeat(2048)}`, "url", "A URL has at most 2048 characters."],
  ])("refuses the URL %j by field and registers nothing", async (url, field, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), url }), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it.each([
    ["http://10.0.0.1/mcp", "10.0.0.1, a private address"],
    ["http://192.168.1.10:8080/mcp", "192.168.1.10, a private address"],
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254, a cloud metadata address"],
    ["http://169.254.1.1/mcp", "169.254.1.1, a link-local address"],
    ["http://127.0.0.2:9/mcp", "127.0.0.2, a loopback address"],
    ["http://0x7f000002:9/mcp", "127.0.0.2, a loopback address"],
    ["http://[::1]:9/mcp", "::1, a loopback address"],
    ["http://[::ffff:127.0.0.2]:9/mcp", "::ffff:7f00:2, a loopback address"],
    ["http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe, a cloud metadata address"],
    ["http://[fd00::1]/mcp", "fd00::1, a private address"],
    ["http://0.0.0.0:9/mcp", "0.0.0.0, an unspecified address"],
  ])("refuses %s, which resolves to a non-public address outside the operator's allow list", async (url, what) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), url }), "validation_failed");
    expect(error.message).toContain(`The URL resolves to ${what};`);
    expect(error.message).toContain("GATEHOUSE_UPSTREAM_ALLOW");
  });

  it("judges a host name by every address it resolves to (localhost)", async () => {
    const ctx = await createTestTenant();
    const addresses = (await dns.promises.lookup("localhost", { all: true, verbatim: true })).map((a) => a.address);
    const url = fixture.url.replace("127.0.0.1", "localhost");
    const outside = addresses.filter((a) => a !== "127.0.0.1");
    if (outside.length === 0) {
      // This machine resolves localhost to 127.0.0.1 only, which the test environment allows.
      const server = await createServer(ctx, { ...base(), url });
      expect(server.url).toBe(url);
    } else {
      // Also to ::1 (or another loopback address) that the allow list does not cover: refused.
      const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), url }), "validation_failed");
      expect(error.message).toMatch(/^The URL resolves to .+, a loopback address;/);
    }
  });

  it("refuses a host that does not resolve", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(
      ctx,
      () => createServer(ctx, { ...base(), url: "https://no-such-host.invalid/mcp" }),
      "validation_failed",
      "The host no-such-host.invalid does not resolve to any address; check the name in the URL.",
    );
  });

  it("refuses credentials in the URL, pointing at the sealed auth settings", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(
      ctx,
      () => createServer(ctx, { ...base(), url: fixture.url.replace("http://", "http://user:pw@") }),
      "validation_failed",
      /^Remove the user name and password from the URL/,
    );
  });

  it("refuses the stdio transport: tenants register URLs, never processes", async () => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), transport: "stdio" as never }), "validation_failed");
    expect(error.fields?.transport).toEqual(["Transport is streamable_http or sse; stdio servers are declared by the platform operator."]);
  });

  it.each([
    [{ kind: "bearer", token: "" }, "auth.token", "Enter the token."],
    [{ kind: "bearer", token: "   " }, "auth.token", "Enter the token."],
    [{ kind: "bearer", token: "two words" }, "auth.token", "A token has no spaces or line breaks."],
    [{ kind: "bearer", token: "abc\r\nX-Injected: 1" }, "auth.token", "A token has no spaces or line breaks."],
    [{ kind: "bearer", token: "a".repeat(4097) }, "auth.token", "A token has at most 4096 characters."],
    [{ kind: "bearer" }, "auth.token", "Invalid input: expected string, received undefined"],
    [{ kind: "headers", headers: { Host: "evil.example" } }, "auth.headers.Host", "Gatehouse sets this header itself."],
    [{ kind: "headers", headers: { "mcp-session-id": "x" } }, "auth.headers.mcp-session-id", "Gatehouse sets this header itself."],
    [{ kind: "headers", headers: { "Content-Length": "1" } }, "auth.headers.Content-Length", "Gatehouse sets this header itself."],
    [{ kind: "headers", headers: { "x-api-key": "a\r\nHost: evil" } }, "auth.headers.x-api-key", "A header value cannot contain line breaks."],
    [{ kind: "headers", headers: { "x-api-key": "" } }, "auth.headers.x-api-key", "A header value cannot be empty."],
    [{ kind: "headers", headers: { "bad name": "x" } }, "auth.headers.bad name", "A header name is 1 to 64 letters, digits or !#$%&'*+.^_`|~-."],
    [{ kind: "headers", headers: {} }, "auth.headers", "Give between 1 and 20 headers."],
    [{ kind: "headers", headers: { "X-Key": "1", "x-key": "2" } }, "auth.headers", "Each header once."],
    [{ kind: "basic", username: "u", password: "p" }, "auth.kind", "Upstream auth is one of: none, bearer, headers."],
  ])("refuses auth %j and registers nothing", async (auth, field, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), auth: auth as never }), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it.each([
    [999, "The timeout is at least 1,000 ms."],
    [300_001, "The timeout is at most 300,000 ms (5 minutes)."],
    [1500.5, "The timeout is a whole number of milliseconds."],
    ["soon", "The timeout is a number of milliseconds."],
    [-1, "The timeout is at least 1,000 ms."],
  ])("refuses the timeout %j and registers nothing", async (timeoutMs, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), timeoutMs: timeoutMs as never }), "validation_failed");
    expect(error.fields?.timeoutMs).toEqual([message]);
  });

  it("accepts the timeout bounds 1,000 and 300,000 ms", async () => {
    const ctx = await createTestTenant();
    expect((await createServer(ctx, { ...base(), name: "short", enabled: false, timeoutMs: 1_000 })).timeoutMs).toBe(1_000);
    expect((await createServer(ctx, { ...base(), name: "long", enabled: false, timeoutMs: 300_000 })).timeoutMs).toBe(300_000);
  });

  it("refuses a namespace with underscores", async () => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createServer(ctx, { ...base(), namespace: "gh__x" }), "validation_failed");
    expect(Object.keys(error.fields ?? {})).toEqual(["namespace"]);
  });
});

describe("sealed credentials", () => {
  it("injects a bearer token upstream, stores it sealed, and never returns it", async () => {
    const ctx = await createTestTenant();

    const created = await createServer(ctx, { name: "guarded", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: BEARER } });

    // The guarded fixture answers 401 without the token: a loaded catalog proves the gateway sent it.
    expect(created.catalog).toMatchObject({ error: null });
    expect(created.catalog.toolCount).toBeGreaterThan(0);
    expect(created.auth).toEqual({ kind: "bearer", hint: `Bearer ••••${BEARER.slice(-4)}` });

    const [row] = await superuserQuery<{ sealed_credentials: string; credential_hint: string }>(
      "select sealed_credentials, credential_hint from servers where id = $1",
      [created.id],
    );
    expect(row!.sealed_credentials).toBeTruthy();
    expect(row!.sealed_credentials).not.toContain(BEARER);
    expect(Buffer.from(row!.sealed_credentials, "base64").toString("latin1")).not.toContain(BEARER);
    expect(JSON.stringify(await superuserQuery("select * from servers where id = $1", [created.id]))).not.toContain(BEARER);

    const returned = [
      created,
      await getServer(ctx, "guarded"),
      await listServers(ctx),
      await listCatalog(ctx, "guarded"),
      await testServer(ctx, "guarded"),
      await updateServer(ctx, "guarded", { description: "still sealed" }),
    ];
    for (const value of returned) expect(JSON.stringify(value)).not.toContain(BEARER);
  });

  it("injects header credentials upstream, shows only names and masked values", async () => {
    const ctx = await createTestTenant();
    const created = await createServer(ctx, {
      name: "headers",
      transport: "streamable_http",
      url: headerGuarded.url,
      auth: { kind: "headers", headers: { "X-Api-Key": HEADER_SECRET } },
    });
    expect(created.catalog.error).toBeNull();
    expect(created.auth).toEqual({ kind: "headers", hint: `X-Api-Key: ••••${HEADER_SECRET.slice(-4)}` });
    for (const value of [created, await listServers(ctx), await testServer(ctx, "headers")]) expect(JSON.stringify(value)).not.toContain(HEADER_SECRET);
    expect(JSON.stringify(await superuserQuery("select * from servers where id = $1", [created.id]))).not.toContain(HEADER_SECRET);
  });

  it("masks a short secret entirely", async () => {
    const ctx = await createTestTenant();
    const created = await createServer(ctx, { ...base(), enabled: false, auth: { kind: "bearer", token: "short" } });
    expect(created.auth.hint).toBe("Bearer ••••");
  });

  it("a wrong upstream credential registers the server with a catalog error naming the refusal", async () => {
    const ctx = await createTestTenant();
    const created = await createServer(ctx, { name: "wrong", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: "not-the-right-one" } });
    expect(created.catalog.error).toBe('Upstream server "wrong" refused Gatehouse\'s credentials (HTTP 401).');
  });

  it("keeps the sealed credentials when an update omits auth, and replaces them when it names auth", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, { name: "guarded", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: BEARER } });
    const sealed = async () => (await superuserQuery<{ s: string }>("select sealed_credentials as s from servers where tenant_id = $1", [ctx.tenant.id]))[0]!.s;
    const before = await sealed();

    await updateServer(ctx, "guarded", { description: "x", timeoutMs: 2_000 });
    expect(await sealed()).toBe(before);
    expect((await testServer(ctx, "guarded")).ok).toBe(true);

    const cleared = await updateServer(ctx, "guarded", { auth: { kind: "none" } });
    expect(cleared.auth).toEqual({ kind: "none", hint: null });
    expect(await sealed()).toBeNull();
    expect((await testServer(ctx, "guarded")).error).toBe('Upstream server "guarded" refused Gatehouse\'s credentials (HTTP 401).');
  });
});

describe("testServer", () => {
  it("returns what the upstream offers: tools, resources, prompts, its name", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, base());

    const probe = await testServer(ctx, "fixture");

    expect(probe).toMatchObject({ ok: true, error: null, serverInfo: { name: "gatehouse-fixture", version: "1.0.0" } });
    expect(probe.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "add"]));
    expect(probe.resources.length).toBeGreaterThan(0);
    expect(probe.prompts.length).toBeGreaterThan(0);
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await listCatalog(ctx, "fixture")).map((t) => t.name)).toEqual(probe.tools.map((t) => t.name));
  });

  it("reports an unreachable upstream without throwing and keeps the previous catalog", async () => {
    const ctx = await createTestTenant();
    const server = await createServer(ctx, { ...base(), name: "flaky" });
    const toolsBefore = await listCatalog(ctx, "flaky");
    await superuserQuery("update servers set url = $1 where id = $2", [downUrl, server.id]);

    const probe = await testServer(ctx, "flaky");

    expect(probe).toMatchObject({ ok: false, error: 'Upstream server "flaky" could not be reached (connection refused).', tools: [], serverInfo: null });
    expect(await listCatalog(ctx, "flaky")).toEqual(toolsBefore);
    expect((await getServer(ctx, "flaky")).catalog).toMatchObject({ error: probe.error, toolCount: toolsBefore.length });
  });

  it("is not found for an unknown name", async () => {
    const ctx = await createTestTenant();
    await expectAppError(testServer(ctx, "nope"), "not_found", 'The server "nope" was not found.');
    await expectAppError(listCatalog(ctx, "nope"), "not_found", 'The server "nope" was not found.');
  });
});

describe("updateServer", () => {
  it("changes what it names and reloads the catalog when the URL changes", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, { ...base(), url: downUrl });

    const updated = await updateServer(ctx, "fixture", { url: fixture.url, tags: ["a"], namespace: "" });

    expect(updated).toMatchObject({ url: fixture.url, tags: ["a"], namespace: "", catalog: { error: null } });
    expect(updated.catalog.toolCount).toBeGreaterThan(0);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(updated.createdAt.getTime());
  });

  it.each([
    [{ url: "http://10.0.0.1/mcp" }, /^The URL resolves to 10\.0\.0\.1, a private address;/],
    [{ url: "http://127.0.0.2:9/mcp" }, /^The URL resolves to 127\.0\.0\.2, a loopback address;/],
    [{ url: "ftp://example.com/" }, "url: Enter an http:// or https:// URL."],
    [{ auth: { kind: "bearer", token: "" } }, "auth.token: Enter the token."],
    [{ auth: { kind: "headers", headers: { host: "x" } } }, "auth.headers.host: Gatehouse sets this header itself."],
    [{ timeoutMs: 0 }, "timeoutMs: The timeout is at least 1,000 ms."],
    [{ transport: "stdio" }, "transport: Transport is streamable_http or sse."],
    [{ name: "renamed" }, 'Unrecognized key: "name"'],
    [{ enabled: "yes" }, "enabled: Invalid input: expected boolean, received string"],
  ])("refuses %j and changes nothing", async (input, message) => {
    const ctx = await createTestTenant();
    await createServer(ctx, { ...base(), auth: { kind: "bearer", token: BEARER } });
    await expectRefusedUnchanged(ctx, () => updateServer(ctx, "fixture", input as never), "validation_failed", message);
  });

  it("is not found for an unknown name", async () => {
    const ctx = await createTestTenant();
    await expectAppError(updateServer(ctx, "nope", { description: "x" }), "not_found", 'The server "nope" was not found.');
  });
});

describe("platform-declared servers", () => {
  it.each([
    { url: "http://127.0.0.1:9/mcp" },
    { transport: "streamable_http" as const },
    { auth: { kind: "bearer" as const, token: "tenant-token-123456" } },
    { namespace: "other" },
  ])("cannot have %j changed by the tenant", async (input) => {
    const ctx = await createTestTenant();
    await insertPlatformServer(ctx);
    await expectRefusedUnchanged(
      ctx,
      () => updateServer(ctx, "platform-tools", input),
      "forbidden",
      "This server is declared by the platform operator; only its description, tags, timeout and enabled state can change here.",
    );
  });

  it("can have description, tags, timeout and enabled state changed", async () => {
    const ctx = await createTestTenant();
    await insertPlatformServer(ctx);
    const updated = await updateServer(ctx, "platform-tools", { description: "ours", tags: ["x"], timeoutMs: 10_000, enabled: false });
    expect(updated).toMatchObject({ source: "platform", transport: "stdio", url: null, description: "ours", tags: ["x"], timeoutMs: 10_000, enabled: false });
  });

  it("cannot be deleted, only disabled", async () => {
    const ctx = await createTestTenant();
    await insertPlatformServer(ctx);
    await expectRefusedUnchanged(ctx, () => deleteServer(ctx, "platform-tools"), "forbidden", "This server is declared by the platform operator; disable it instead.");
  });
});

describe("deleteServer", () => {
  it("removes the server and its catalog", async () => {
    const ctx = await createTestTenant();
    const server = await createServer(ctx, base());
    await deleteServer(ctx, "fixture");
    expect(await listServers(ctx)).toEqual([]);
    expect(await superuserQuery("select 1 from server_tools where server_id = $1", [server.id])).toEqual([]);
    await expectAppError(deleteServer(ctx, "fixture"), "not_found", 'The server "fixture" was not found.');
  });
});

describe("permissions", () => {
  it.each(["reviewer", "auditor", "viewer"] as const)("a %s can read servers and catalogs but change nothing", async (role) => {
    const ctx = await createTestTenant();
    await createServer(ctx, base());
    const member = (await createTestMember(ctx, role)).ctx;

    expect((await listServers(member)).map((s) => s.name)).toEqual(["fixture"]);
    expect((await getServer(member, "fixture")).name).toBe("fixture");
    expect((await listCatalog(member, "fixture")).length).toBeGreaterThan(0);

    await expectRefusedUnchanged(ctx, () => createServer(member, { ...base(), name: "other" }), "forbidden");
    await expectRefusedUnchanged(ctx, () => updateServer(member, "fixture", { description: "x" }), "forbidden");
    await expectRefusedUnchanged(ctx, () => deleteServer(member, "fixture"), "forbidden");
    await expectRefusedUnchanged(ctx, () => testServer(member, "fixture"), "forbidden");
  });

  it("an admin can register servers", async () => {
    const ctx = await createTestTenant();
    const admin = (await createTestMember(ctx, "admin")).ctx;
    await createServer(admin, { ...base(), enabled: false });
    expect(await listServers(ctx)).toHaveLength(1);
  });
});

describe("tenant isolation", () => {
  it("another tenant cannot see, test, change or delete a server by its name", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    await createServer(a, base());
    const stateOfA = await serverState(a.tenant.id);

    expect(await listServers(b)).toEqual([]);
    await expectAppError(getServer(b, "fixture"), "not_found");
    await expectAppError(listCatalog(b, "fixture"), "not_found");
    await expectAppError(testServer(b, "fixture"), "not_found");
    await expectAppError(updateServer(b, "fixture", { url: downUrl }), "not_found");
    await expectAppError(deleteServer(b, "fixture"), "not_found");
    expect(await serverState(a.tenant.id)).toEqual(stateOfA);

    // Names are per tenant: b may use the same one.
    await createServer(b, { ...base(), enabled: false });
    expect(await serverState(a.tenant.id)).toEqual(stateOfA);
  });
});
