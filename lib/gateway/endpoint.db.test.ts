import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { and, desc, eq } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { connectAgent, createGatewayTenant, type GatewayTenant } from "@/test/gateway";

let fixture: FixtureHttp;
let gw: GatewayTenant;

beforeAll(async () => {
  fixture = await startFixtureHttp();
  gw = await createGatewayTenant({
    server: { transport: "streamable_http", url: fixture.url },
    rules: [
      { server: "fixture", pattern: "*", effect: "allow" },
      { server: "fixture", pattern: "delete_*", effect: "deny" },
    ],
  });
});

afterAll(async () => {
  await fixture?.close();
});

async function lastEvents(n = 5) {
  return inTenant(gw.ctx.tenant.id, (tx) =>
    tx.select().from(auditEvents).where(eq(auditEvents.tenantId, gw.ctx.tenant.id)).orderBy(desc(auditEvents.occurredAt)).limit(n),
  );
}

describe("the tenant MCP endpoint", () => {
  it("lists only the tools the agent's roles allow, namespaced by server", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("fixture__echo");
    expect(names).toContain("fixture__add");
    expect(names).not.toContain("fixture__delete_everything");
    await client.close();
  });

  it("forwards an allowed call and returns the upstream's result", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    const result = await client.callTool({ name: "fixture__add", arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(result.content)).toContain("42");
    await client.close();
    const [event] = (await lastEvents(10)).filter((e) => e.method === "tools/call");
    expect(event).toMatchObject({ server: "fixture", tool: "add", decision: "allowed", outcome: "ok", clientName: "test-agent", clientVersion: "1.2.3" });
    expect(event!.arguments).toEqual({ a: 2, b: 40 });
    expect(event!.keyPrefix).toBe(gw.key.slice(0, "gth_agt_".length + 6));
  });

  it("answers a denied tool exactly like a tool that does not exist", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    const denied = await client.callTool({ name: "fixture__delete_everything", arguments: {} }).catch((e: unknown) => e);
    const missing = await client.callTool({ name: "fixture__no_such_tool", arguments: {} }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(McpError);
    expect(missing).toBeInstanceOf(McpError);
    const strip = (e: unknown) => (e as McpError).message.replace(/fixture__\w+/, "<name>");
    expect(strip(denied)).toBe(strip(missing));
    expect((denied as McpError).code).toBe((missing as McpError).code);
    expect(fixture.record.calls.map((c) => c.name)).not.toContain("delete_everything");
    await client.close();
    const events = await inTenant(gw.ctx.tenant.id, (tx) =>
      tx.select().from(auditEvents).where(and(eq(auditEvents.tenantId, gw.ctx.tenant.id), eq(auditEvents.decision, "denied"))),
    );
    expect(events.map((e) => e.tool)).toEqual(expect.arrayContaining(["delete_everything", "fixture__no_such_tool"]));
    expect(events.find((e) => e.tool === "delete_everything")!.error).toMatch(/denied by rule 2 of role "agent-role"/);
  });
});
