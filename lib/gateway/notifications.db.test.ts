import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PromptListChangedNotificationSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { updateRole } from "@/lib/policy/roles";
import { startGateway } from "@/lib/gateway/runtime";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { connectAgent, createGatewayTenant, type GatewayTenant } from "@/test/gateway";

let fixture: FixtureHttp;
let gw: GatewayTenant;

beforeAll(async () => {
  await startGateway();
  fixture = await startFixtureHttp();
  gw = await createGatewayTenant({
    server: { transport: "streamable_http", url: fixture.url },
    rules: [
      { server: "fixture", pattern: "*", effect: "allow" },
      { target: "prompt", server: "fixture", pattern: "*", effect: "allow" },
    ],
  });
});

afterAll(async () => {
  await fixture?.close();
});

function nextNotification(register: (resolve: () => void) => void, ms = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    register(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("list-changed notifications", () => {
  it("tell a connected agent when its tools change because its role changed", async () => {
    const client = await connectAgent(gw.slug, gw.key);
    // The SDK opens its GET stream right after initialization; give it a moment.
    await new Promise((r) => setTimeout(r, 200));
    const heard = nextNotification((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, async () => resolve()));
    await updateRole(gw.ctx, "agent-role", { rules: [{ server: "fixture", pattern: "echo", effect: "allow" }] });
    expect(await heard).toBe(true);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["fixture__echo"]);
    await client.close();
  });

  it("relay an upstream's own list_changed to the agent", async () => {
    await updateRole(gw.ctx, "agent-role", {
      rules: [
        { server: "fixture", pattern: "*", effect: "allow" },
        { target: "prompt", server: "fixture", pattern: "*", effect: "allow" },
      ],
    });
    const client = await connectAgent(gw.slug, gw.key);
    await new Promise((r) => setTimeout(r, 200));
    const heard = nextNotification((resolve) => client.setNotificationHandler(PromptListChangedNotificationSchema, async () => resolve()));
    await client.callTool({ name: "fixture__emit_list_changed", arguments: {} });
    expect(await heard).toBe(true);
    await client.close();
  });
});
