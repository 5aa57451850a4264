import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { ServerTransport } from "@/db/schema";
import { env } from "@/lib/env";
import { unseal } from "@/lib/secrets/seal";
import { credentialHeaders, sealContext } from "@/lib/registry/credentials";
import type { UpstreamAuth } from "@/lib/registry/schemas";
import { platformCommand } from "@/lib/registry/platform";
import { stdioClient } from "./stdio-supervisor";
import { createGuardedFetch } from "./url-guard";

/** Everything needed to reach one upstream; `version` changes whenever any of it does. */
export type UpstreamConfig = {
  id: string;
  tenantId: string;
  name: string;
  transport: ServerTransport;
  url: string | null;
  sealedCredentials: string | null;
  timeoutMs: number;
  source: "tenant" | "platform";
  platformKey: string | null;
  version: string;
};

export const GATEHOUSE_CLIENT_INFO = { name: "gatehouse", version: "0.1.0" };

/**
 * Opens a new client session to an HTTP upstream (streamable HTTP or legacy
 * SSE). Requests go through the SSRF-guarded fetch, with the server's sealed
 * credentials opened only here, in memory, for the outgoing headers.
 */
export async function connectHttp(config: UpstreamConfig, capabilities: ClientCapabilities = {}): Promise<Client> {
  if (!config.url) throw new Error(`server ${config.name} has no URL`);
  const auth: UpstreamAuth = config.sealedCredentials
    ? (JSON.parse(unseal(config.sealedCredentials, sealContext(config.tenantId, config.id))) as UpstreamAuth)
    : { kind: "none" };
  const headers = credentialHeaders(auth);
  const fetch = createGuardedFetch({
    // Platform servers come from the operator's own file, so its network is theirs to use.
    policy: config.source === "platform" ? { allow: ["*"] } : env.upstreamPolicy,
    maxResponseBytes: env.GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES,
  });
  const url = new URL(config.url);
  const transport: Transport =
    config.transport === "sse"
      ? new SSEClientTransport(url, { fetch, requestInit: { headers }, eventSourceInit: { fetch } })
      : new StreamableHTTPClientTransport(url, { fetch, requestInit: { headers } });
  const client = new Client(GATEHOUSE_CLIENT_INFO, { capabilities: relayableCapabilities(capabilities) });
  try {
    await client.connect(transport, { timeout: config.timeoutMs });
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
  return client;
}

/** The shared, supervised client of a platform stdio server. */
export function connectStdio(config: UpstreamConfig, onConnected?: (client: Client) => void): Promise<Client> {
  const command = config.platformKey ? platformCommand(config.platformKey) : undefined;
  if (!command) throw new Error(`the platform no longer declares the stdio server ${config.platformKey ?? config.name}`);
  return stdioClient(command, onConnected);
}

/** The agent's capabilities that Gatehouse can relay for an upstream: what the agent answers itself. */
function relayableCapabilities(agent: ClientCapabilities): ClientCapabilities {
  const out: ClientCapabilities = {};
  if (agent.sampling) out.sampling = agent.sampling;
  if (agent.elicitation) out.elicitation = agent.elicitation;
  if (agent.roots) out.roots = { listChanged: false };
  return out;
}
