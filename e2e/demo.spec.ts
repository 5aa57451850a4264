import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, expectJson, test } from "./fixtures";

// The first run (first-run.spec) ticked "Also create a demo tenant": the README's
// first command must lead to a working MCP endpoint backed by the demo upstream
// that ships in lib/demo, run by the app as a supervised stdio process.
test("the demo tenant serves its example tools to the demo agent", async ({ ownerApi, baseURL }) => {
  const { agents } = await expectJson<{ agents: { id: string; name: string; roles: string[] }[] }>(await ownerApi.get("/api/v1/tenants/demo/agents"), 200);
  const agent = agents.find((a) => a.name === "demo-agent")!;
  expect(agent.roles).toEqual(["demo-user"]);
  const { secret } = await expectJson<{ secret: string }>(await ownerApi.post(`/api/v1/tenants/demo/agents/${agent.id}/keys`, { data: { name: "e2e" } }), 201);

  const client = new Client({ name: "demo-e2e", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseURL}/t/demo/mcp`), { requestInit: { headers: { authorization: `Bearer ${secret}` } } }),
  );
  // The demo server's catalog loads in the background right after setup.
  await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name), { timeout: 30_000 }).toContain("demo__get_weather");
  const names = (await client.listTools()).tools.map((t) => t.name);
  expect(names).not.toContain("demo__delete_all_tickets");

  const result = await client.callTool({ name: "demo__get_weather", arguments: { city: "Lisbon" } });
  expect(JSON.stringify(result.content)).toContain("Lisbon");
  await expect(client.callTool({ name: "demo__delete_all_tickets", arguments: {} })).rejects.toThrow(/Unknown tool/);
  // The demo role's condition: small conversions run, huge ones are refused with the rule's message.
  const small = await client.callTool({ name: "demo__convert_currency", arguments: { amount: 100, from: "EUR", to: "USD" } });
  expect(small.isError).toBeFalsy();
  const huge = await client.callTool({ name: "demo__convert_currency", arguments: { amount: 5_000_000, from: "EUR", to: "USD" } });
  expect(huge).toMatchObject({ isError: true, content: [{ type: "text", text: "Gatehouse denied this call: The demo converts at most 1,000,000 at a time." }] });
  await client.close();

  const { events } = await expectJson<{ events: { tool: string | null; decision: string }[] }>(
    await ownerApi.get("/api/v1/tenants/demo/audit-events?method=tools/call"),
    200,
  );
  expect(events.map((e) => `${e.tool}:${e.decision}`)).toEqual(expect.arrayContaining(["get_weather:allowed", "delete_all_tickets:denied", "convert_currency:allowed", "convert_currency:denied"]));
});
