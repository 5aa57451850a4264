import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchFaq } from "./faq";

const stdioEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), "stdio.ts");

function text(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first?.type === "text" ? first.text : "";
}

describe("demo upstream over stdio", () => {
  const client = new Client({ name: "demo-test", version: "1.0.0" });

  beforeAll(async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ["--import", "tsx", stdioEntry], stderr: "pipe" });
    await client.connect(transport, { timeout: 15_000 });
  }, 20_000);
  afterAll(() => client.close());

  it("introduces itself as gatehouse-demo and lists its tools", async () => {
    expect(client.getServerVersion()?.name).toBe("gatehouse-demo");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "convert_currency",
      "create_ticket",
      "delete_all_tickets",
      "get_weather",
      "search_docs",
    ]);
    expect(tools.find((tool) => tool.name === "delete_all_tickets")?.annotations?.destructiveHint).toBe(true);
  });

  it("gives the same forecast for the same city", async () => {
    const call = () => client.callTool({ name: "get_weather", arguments: { city: "Lisbon", days: 2 } });
    const first = text(await call());
    expect(first).toMatch(/^Forecast for Lisbon \(demo data/);
    expect(first.split("\n")).toHaveLength(3);
    expect(text(await call())).toBe(first);
  });

  it("converts currency with the fixed rates and says they are illustrative", async () => {
    const result = await client.callTool({ name: "convert_currency", arguments: { amount: 100, from: "USD", to: "EUR" } });
    expect(result.structuredContent).toMatchObject({ amount: 92, currency: "EUR" });
    expect(text(result)).toMatch(/illustrative/);
  });

  it("searches the FAQ, creates a pretend ticket and deletes nothing", async () => {
    expect(text(await client.callTool({ name: "search_docs", arguments: { query: "agent key" } }))).toMatch(/What is an agent key\?/);
    expect(text(await client.callTool({ name: "create_ticket", arguments: { title: "Printer on fire" } }))).toMatch(
      /^Created ticket DEMO-\d{4} \("Printer on fire", priority normal\)/,
    );
    expect(text(await client.callTool({ name: "delete_all_tickets", arguments: {} }))).toMatch(/^Nothing was deleted/);
  });

  it("rejects bad arguments as a tool error", async () => {
    const result = await client.callTool({ name: "convert_currency", arguments: { amount: 1, from: "USD", to: "XYZ" } });
    expect(result.isError).toBe(true);
  });

  it("offers a welcome resource and a trip-planning prompt", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain("demo://gatehouse/welcome");
    const welcome = await client.readResource({ uri: "demo://gatehouse/welcome" });
    expect(welcome.contents[0]).toMatchObject({ mimeType: "text/markdown" });
    const prompt = await client.getPrompt({ name: "plan_trip", arguments: { city: "Oslo" } });
    expect(JSON.stringify(prompt.messages)).toContain("get_weather for Oslo");
  });
});

describe("searchFaq", () => {
  it("ranks entries by shared words and ignores filler words", () => {
    expect(searchFaq("approval reviewer")[0]?.question).toBe("What does require_approval do?");
    expect(searchFaq("the and how")).toEqual([]);
  });
});
