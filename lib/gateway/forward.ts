import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, McpError, type ClientCapabilities, type ProgressToken, type Result, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { UpstreamConfig } from "@/lib/upstream/connect";
import { agentError, upstreamMcpError } from "@/lib/upstream/errors";
import { acquireUpstream } from "@/lib/upstream/pool";
import type { AuditNote } from "./audit-note";
import { trackRequest } from "./live";

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The agent side of a forwarded request: its session, its capabilities, and a way to ask it something. */
export type AgentChannel = {
  sessionId: string;
  capabilities: ClientCapabilities;
  request(request: ServerRequest, signal: AbortSignal): Promise<Result>;
  /** Sends a notification on the request's stream, as is: the per-request server never saw the agent's capabilities, so it cannot vouch for them. */
  notify(notification: ServerNotification): Promise<void>;
};

/** Upstream notifications an agent receives while its request runs (list changes go through the catalog). */
const RELAYED_NOTIFICATIONS = new Set(["notifications/message", "notifications/resources/updated"]);

/** Longest a request may run while the upstream keeps reporting progress. */
const MAX_TOTAL_MS = 10 * 60_000;

/**
 * Sends one request to an upstream through the pool and hands back its
 * answer. Everything the agent should see happen on the way (progress, log
 * messages, its own cancellation) is relayed; failures become one clear MCP
 * error; the upstream's own JSON-RPC errors pass through as they are.
 */
export async function forward<T>(
  config: UpstreamConfig,
  agent: AgentChannel,
  extra: Extra,
  note: AuditNote,
  send: (client: Client, options: { signal: AbortSignal; timeout: number; maxTotalTimeout: number; resetTimeoutOnProgress: boolean; onprogress?: (p: { progress: number; total?: number; message?: string }) => void }) => Promise<T>,
  progressToken?: ProgressToken,
): Promise<T> {
  const sessionId = agent.sessionId;
  const tracked = trackRequest(sessionId, extra.requestId);
  const started = performance.now();
  let stopListening: (() => void) | undefined;
  try {
    const upstream = await acquireUpstream(config, sessionId, agent.capabilities);
    const signal = AbortSignal.any([extra.signal, tracked.signal]);
    stopListening = upstream.attach({
      notify: (n) => {
        if (RELAYED_NOTIFICATIONS.has(n.method)) void extra.sendNotification(n).catch(() => {});
      },
      request: (r) => agent.request(r, signal),
    });
    return await send(upstream.client, {
      signal,
      timeout: config.timeoutMs,
      maxTotalTimeout: Math.max(MAX_TOTAL_MS, config.timeoutMs),
      resetTimeoutOnProgress: true,
      onprogress:
        progressToken === undefined
          ? undefined
          : (p) => void extra.sendNotification({ method: "notifications/progress", params: { ...p, progressToken } }).catch(() => {}),
    });
  } catch (e) {
    if (tracked.signal.aborted || extra.signal.aborted) throw agentError(ErrorCode.RequestTimeout, "Request cancelled by the client.");
    throw asAgentError(e, config);
  } finally {
    note.upstreamMs = performance.now() - started;
    stopListening?.();
    tracked.done();
  }
}

/** Errors the SDK client raises itself (timeouts, dropped connections) are ours to explain; the rest came from the upstream. */
function asAgentError(e: unknown, config: UpstreamConfig): McpError {
  if (e instanceof McpError && e.code !== ErrorCode.RequestTimeout && e.code !== ErrorCode.ConnectionClosed) {
    return agentError(e.code, e.message.replace(/^MCP error -?\d+: /, ""), e.data);
  }
  return upstreamMcpError(e, config);
}
