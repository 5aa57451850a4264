import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { isAppError } from "@/lib/errors";

type Named = { name: string; timeoutMs: number };

/**
 * What went wrong with an upstream, in words an admin or an agent can act on.
 * Built from the error's kind, never from its full text, which may quote
 * headers or bodies the upstream sent.
 */
export function describeUpstreamError(e: unknown, server: Named): string {
  const prefix = `Upstream server "${server.name}"`;
  if (isAppError(e)) return `${prefix}: ${e.message}`;
  if (e instanceof McpError) {
    if (e.code === ErrorCode.RequestTimeout) return `${prefix} did not answer within ${server.timeoutMs} ms.`;
    if (e.code === ErrorCode.ConnectionClosed) return `${prefix} closed the connection.`;
    return `${prefix} answered with an error: ${truncate(e.message.replace(/^MCP error -?\d+: /, ""), 300)}`;
  }
  const message = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : "";
  const text = `${message} ${cause}`;
  const status = /HTTP (\d{3})|\((\d{3})\)|status(?: code)? (\d{3})/i.exec(text);
  // The SDK's StreamableHTTPError and SseError carry the HTTP status as `code`, not in the message.
  const errorCode = (e as { code?: unknown } | null)?.code;
  const httpStatus = typeof errorCode === "number" && errorCode >= 400 && errorCode < 600 ? errorCode : undefined;
  if (/more than [\d.]+ ?[KMG]?i?B/i.test(text)) return `${prefix} answered too much: ${/more than [\d.]+ ?[KMG]?i?B/i.exec(text)![0]}.`;
  if (/refuses|resolves to|private address|loopback|link-local|metadata/i.test(text) && /address/i.test(text)) return `${prefix}: ${truncate(message, 300)}`;
  if (/ECONNREFUSED/.test(text)) return `${prefix} could not be reached (connection refused).`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `${prefix} could not be reached (its host name does not resolve).`;
  if (/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|timed? ?out/i.test(text)) return `${prefix} did not answer within ${server.timeoutMs} ms.`;
  if (/ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET/i.test(text)) return `${prefix} dropped the connection.`;
  if (httpStatus || status) {
    const code = httpStatus ?? Number(status![1] ?? status![2] ?? status![3]);
    if (code === 401 || code === 403) return `${prefix} refused Gatehouse's credentials (HTTP ${code}).`;
    if (code === 404) return `${prefix} has no MCP endpoint at this URL (HTTP 404).`;
    return `${prefix} answered HTTP ${code}.`;
  }
  if (/JSON|Unexpected token|parse|invalid_union|Invalid input|content type|content-type/i.test(text)) {
    return `${prefix} answered with something that is not a valid MCP message.`;
  }
  return `${prefix} failed: ${truncate(message, 200)}`;
}

/** The MCP error an agent gets when an upstream fails its request. */
export function upstreamMcpError(e: unknown, server: Named): McpError {
  const message = describeUpstreamError(e, server);
  if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) return agentError(ErrorCode.RequestTimeout, message);
  return agentError(ErrorCode.InternalError, message);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * An McpError whose message is exactly `message`: the SDK's constructor
 * prefixes "MCP error <code>:", which the agent's client would add again.
 */
export function agentError(code: number, message: string, data?: unknown): McpError {
  const error = new McpError(code, message, data);
  error.message = message;
  return error;
}
