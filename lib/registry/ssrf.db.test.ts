import { describe, expect, it, vi } from "vitest";

// This file runs with the platform's default network policy: no private
// range allowed (the rest of the integration suite allows 127.0.0.1).
vi.hoisted(() => {
  process.env.GATEHOUSE_UPSTREAM_ALLOW = "";
});

const { createServer, listServers, updateServer } = await import("@/lib/registry/servers");
const { createTestTenant } = await import("@/test/factories");
const { expectAppError } = await import("@/test/assertions");

describe("upstream URLs are checked against SSRF after DNS resolution", () => {
  it.each([
    ["loopback", "http://127.0.0.1:8080/mcp"],
    ["another loopback address", "http://127.9.9.9/mcp"],
    ["a private address", "http://10.1.2.3/mcp"],
    ["a private /12 address", "http://172.20.0.5/mcp"],
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data"],
    ["IPv6 loopback", "http://[::1]:3000/mcp"],
    ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]/mcp"],
    ["a hostname resolving to loopback", "http://localhost:3000/mcp"],
    ["a decimal-encoded loopback", "http://2130706433/mcp"],
  ])("refuses %s, and registers nothing", async (_, url) => {
    const ctx = await createTestTenant();
    await expectAppError(createServer(ctx, { name: "target", transport: "streamable_http", url }), "validation_failed", /refuses|resolves to|address/i);
    expect(await listServers(ctx)).toEqual([]);
  });

  it("refuses moving a registered server to a private address, and keeps its URL", async () => {
    const ctx = await createTestTenant();
    // Disabled, so registering does not try to connect to this public address.
    await createServer(ctx, { name: "public", transport: "streamable_http", url: "http://1.1.1.1/mcp", enabled: false });
    await expectAppError(updateServer(ctx, "public", { url: "http://10.0.0.1/mcp" }), "validation_failed");
    expect((await listServers(ctx))[0]!.url).toBe("http://1.1.1.1/mcp");
  });
});
