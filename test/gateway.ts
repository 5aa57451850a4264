import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { handleMcpRequest } from "@/lib/gateway/endpoint";
import { createRole } from "@/lib/policy/roles";
import type { RuleInput } from "@/lib/policy/schemas";
import { createServer } from "@/lib/registry/servers";
import type { CreateServerInput } from "@/lib/registry/schemas";
import type { TenantContext } from "@/lib/tenancy/context";
import { createTestTenant, uniqueSuffix } from "./factories";

/**
 * A fetch that hands requests to the MCP endpoint in this process, exactly as
 * the Next.js route does (the route is one line that calls handleMcpRequest).
 */
export const gatewayFetch: typeof fetch = async (input, init) => {
  const req = new Request(input, init);
  const url = new URL(req.url);
  const match = /^\/t\/([^/]+)\/mcp$/.exec(url.pathname);
  if (!match) return new Response("not found", { status: 404 });
  const headers = new Headers(req.headers);
  headers.set("host", url.host);
  // The signal goes along as a server would see it: aborted when the client goes away.
  const forwarded = new Request(req.url, { method: req.method, headers, body: req.body, duplex: "half", signal: req.signal } as RequestInit);
  return handleMcpRequest(forwarded, match[1]!);
};

export const endpointUrl = (slug: string, origin = "http://127.0.0.1:3999") => new URL(`${origin}/t/${slug}/mcp`);

/** An SDK client connected to a tenant's endpoint with an agent key. */
export async function connectAgent(slug: string, key: string, options: { fetch?: typeof fetch; origin?: string; name?: string } = {}): Promise<Client> {
  const client = new Client({ name: options.name ?? "test-agent", version: "1.2.3" });
  const transport = new StreamableHTTPClientTransport(endpointUrl(slug, options.origin), {
    fetch: options.fetch ?? gatewayFetch,
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  return client;
}

export type GatewayTenant = { ctx: TenantContext; slug: string; agentId: string; key: string };

/** A tenant with one server, one role of `rules`, and one agent holding that role and a key. */
export async function createGatewayTenant(options: {
  server: Omit<CreateServerInput, "name"> & { name?: string };
  rules: RuleInput[];
}): Promise<GatewayTenant> {
  const ctx = await createTestTenant();
  await createServer(ctx, { name: "fixture", ...options.server });
  await createRole(ctx, { name: "agent-role", rules: options.rules });
  const agent = await createAgent(ctx, { name: `agent-${uniqueSuffix()}`, roles: ["agent-role"] });
  const { secret } = await createAgentKey(ctx, agent.id, { name: "test" });
  return { ctx, slug: ctx.tenant.slug, agentId: agent.id, key: secret };
}

/** A raw JSON-RPC POST to the endpoint, for what the SDK client would never send. */
export function rawPost(slug: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return gatewayFetch(endpointUrl(slug), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body,
  });
}
