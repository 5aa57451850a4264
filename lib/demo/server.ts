import { randomInt } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { searchFaq } from "./faq";

/**
 * The example upstream that ships with Gatehouse for the demo tenant: a few
 * harmless tools a newcomer can call through the gateway, one of which only
 * looks dangerous so policies and approvals have something to guard. Nothing
 * here reaches the network or keeps state.
 */

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

const CONDITIONS = ["sunny", "partly cloudy", "cloudy", "light rain", "showers", "windy"] as const;

/** Illustrative fixed rates against the US dollar; not live market data. */
export const DEMO_RATES = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 150, CHF: 0.88, CAD: 1.36 } as const;
const CURRENCIES = Object.keys(DEMO_RATES) as [keyof typeof DEMO_RATES, ...(keyof typeof DEMO_RATES)[]];

/** Same city, same forecast: a small string hash seeds every number. */
function forecast(city: string, days: number): string[] {
  let seed = 0;
  for (const char of city.trim().toLowerCase()) seed = (seed * 31 + char.charCodeAt(0)) >>> 0;
  return Array.from({ length: days }, (_, day) => {
    const value = (seed + day * 7919) >>> 0;
    const high = 8 + (value % 22);
    return `Day ${day + 1}: ${CONDITIONS[value % CONDITIONS.length]}, ${high - 6}–${high} °C`;
  });
}

const WELCOME = `# Welcome to the Gatehouse demo

This server is the example upstream of the demo tenant. Its tools are safe to call:

- get_weather: a made-up, repeatable forecast for any city
- convert_currency: converts with fixed illustrative rates
- search_docs: searches a few Gatehouse FAQ entries
- create_ticket: pretends to open a support ticket
- delete_all_tickets: looks destructive, deletes nothing; try guarding it with a rule that requires approval
`;

export function createDemoServer(): McpServer {
  const server = new McpServer(
    { name: "gatehouse-demo", version: "1.0.0" },
    { instructions: "Example tools for trying Gatehouse. All data is made up; nothing is stored or deleted." },
  );

  server.registerTool(
    "get_weather",
    {
      title: "Weather forecast (demo)",
      description: "A made-up but repeatable weather forecast for a city. Not real weather data.",
      inputSchema: { city: z.string().min(1).describe("City name"), days: z.number().int().min(1).max(7).default(3) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ city, days }) => text([`Forecast for ${city} (demo data, not a real forecast):`, ...forecast(city, days)].join("\n")),
  );

  server.registerTool(
    "convert_currency",
    {
      title: "Convert currency (demo rates)",
      description: `Converts an amount between ${CURRENCIES.join(", ")} using fixed illustrative rates, not live ones.`,
      inputSchema: { amount: z.number(), from: z.enum(CURRENCIES), to: z.enum(CURRENCIES) },
      outputSchema: { amount: z.number(), currency: z.string(), rate: z.number() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ amount, from, to }) => {
      const rate = DEMO_RATES[to] / DEMO_RATES[from];
      const converted = Math.round(amount * rate * 100) / 100;
      return {
        content: [{ type: "text", text: `${amount} ${from} ≈ ${converted} ${to} (fixed illustrative rate ${rate.toFixed(4)})` }],
        structuredContent: { amount: converted, currency: to, rate },
      };
    },
  );

  server.registerTool(
    "search_docs",
    {
      title: "Search the Gatehouse FAQ",
      description: "Searches a small built-in list of Gatehouse FAQ entries.",
      inputSchema: { query: z.string().min(1).describe("Words to look for") },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query }) => {
      const hits = searchFaq(query);
      if (hits.length === 0) return text(`No FAQ entry matches "${query}". Try "agent key", "approval" or "audit".`);
      return text(hits.map((entry) => `## ${entry.question}\n${entry.answer}`).join("\n\n"));
    },
  );

  server.registerTool(
    "create_ticket",
    {
      title: "Create a support ticket (demo)",
      description: "Pretends to open a support ticket and returns a made-up ticket id. Nothing is stored.",
      inputSchema: {
        title: z.string().min(1).max(200),
        priority: z.enum(["low", "normal", "high"]).default("normal"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async ({ title, priority }) =>
      text(`Created ticket DEMO-${randomInt(1000, 10000)} ("${title}", priority ${priority}). This is a demo: nothing was stored.`),
  );

  server.registerTool(
    "delete_all_tickets",
    {
      title: "Delete all tickets (demo)",
      description: "Looks destructive on purpose, to try approval rules. It deletes nothing.",
      inputSchema: { reason: z.string().optional().describe("Why everything should go") },
      annotations: { destructiveHint: true, readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    async () => text("Nothing was deleted: this demo tool only pretends, so you can see how Gatehouse guards destructive tools."),
  );

  server.registerResource(
    "welcome",
    "demo://gatehouse/welcome",
    { title: "Welcome", description: "What this demo server offers", mimeType: "text/markdown" },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/markdown", text: WELCOME }] }),
  );

  server.registerResource(
    "rates",
    "demo://gatehouse/rates",
    { title: "Demo exchange rates", description: "The fixed illustrative rates convert_currency uses", mimeType: "application/json" },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ base: "USD", rates: DEMO_RATES }) }],
    }),
  );

  server.registerPrompt(
    "plan_trip",
    {
      title: "Plan a trip",
      description: "Asks the assistant to check the (demo) weather and budget for a trip.",
      argsSchema: { city: z.string().describe("Where to go"), budget: z.string().optional().describe("Budget, e.g. '500 EUR'") },
    },
    async ({ city, budget }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text:
              `I'm planning a trip to ${city}. Use get_weather for ${city} and suggest what to pack.` +
              (budget ? ` My budget is ${budget}; use convert_currency if it helps.` : ""),
          },
        },
      ],
    }),
  );

  return server;
}
