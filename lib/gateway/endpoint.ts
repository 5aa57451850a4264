import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CancelledNotificationSchema,
  InitializeRequestSchema,
  isJSONRPCNotification,
  isJSONRPCRequest,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { sha256 } from "@/lib/crypto";
import { env } from "@/lib/env";
import { publishNow } from "@/lib/events/bus";
import { AGENT_KEY_PREFIX } from "@/lib/agents/keys";
import { publicOrigin } from "@/lib/http/public-origin";
import { audited, type Caller } from "./audit-note";
import { buildServer } from "./handlers";
import { checkHostAndOrigin, isJsonContentType, jsonRpcError, PROTOCOL_VERSIONS, protocolVersionOf, readBody } from "./http";
import { cancelLocal, deliverAgentResponse, openStream } from "./live";
import { createSession, endSession, findSession, type McpSession } from "./sessions";
import { getSnapshot, type TenantSnapshot } from "./snapshot";
import { touchKey } from "./key-usage";

const ALLOW = "GET, POST, DELETE";

/**
 * The tenant MCP endpoint (`/t/{tenant}/mcp`, streamable HTTP): guard the
 * connection, authenticate the agent, find its session, then let a
 * per-request MCP server answer. Every agent request is audited.
 */
export async function handleMcpRequest(req: Request, tenantSlug: string): Promise<Response> {
  const guard = checkHostAndOrigin(req);
  if (guard) return guard;
  if (!["GET", "POST", "DELETE"].includes(req.method)) {
    return jsonRpcError(405, -32000, `Method not allowed; use ${ALLOW}.`, { allow: ALLOW });
  }

  let snapshot: TenantSnapshot | null;
  try {
    snapshot = /^[a-z0-9-]{1,64}$/.test(tenantSlug) ? await getSnapshot(tenantSlug) : null;
  } catch (e) {
    console.error("[gateway] cannot load tenant configuration:", e instanceof Error ? e.message : e);
    return jsonRpcError(503, -32000, "Gatehouse cannot reach its database right now; try again shortly.", { "retry-after": "5" });
  }
  const caller = snapshot && authenticate(snapshot, req.headers.get("authorization"));
  if (!caller) return unauthorized(req, tenantSlug);
  caller.origin = publicOrigin(req.headers) || new URL(req.url).origin;
  caller.source = sourceAddress(req.headers);

  if (req.method === "GET") return handleGet(req, caller);
  if (req.method === "DELETE") return handleDelete(req, caller);
  return handlePost(req, caller);
}

/** The agent behind a presented key, or null: unknown, revoked, expired, or another tenant's key all look the same. */
function authenticate(snapshot: TenantSnapshot, authorization: string | null): Caller | null {
  const match = authorization && /^Bearer +(\S+)\s*$/i.exec(authorization);
  const secret = match?.[1];
  if (!secret || !secret.startsWith(AGENT_KEY_PREFIX) || secret.length > 128) return null;
  const key = snapshot.keys.get(sha256(secret));
  if (!key || (key.expiresAt !== null && key.expiresAt <= Date.now())) return null;
  const agent = snapshot.agents.get(key.agentId);
  if (!agent) return null;
  touchKey(snapshot.tenant.id, key.id);
  return { snapshot, agent, key };
}

/**
 * The client's address as the proxy in front reports it (the right-most
 * X-Forwarded-For entry: the one our proxy appended), for conditions and
 * reviewers; empty when there is no proxy to ask.
 */
function sourceAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || headers.get("x-real-ip")?.trim() || "";
  return /^[0-9a-f.:]{2,45}$/i.test(forwarded) ? forwarded : "";
}

/** RFC 9728: tell the client where the protected-resource metadata of this endpoint lives. */
function unauthorized(req: Request, tenantSlug: string): Response {
  const origin = publicOrigin(req.headers) || new URL(req.url).origin;
  const metadata = `${origin}/.well-known/oauth-protected-resource/t/${encodeURIComponent(tenantSlug)}/mcp`;
  return jsonRpcError(401, -32001, `Unauthorized: send an agent key of this tenant as "Authorization: Bearer ${AGENT_KEY_PREFIX}…".`, {
    "www-authenticate": `Bearer resource_metadata="${metadata}"`,
  });
}

async function sessionOf(req: Request, caller: Caller): Promise<McpSession | Response> {
  const id = req.headers.get("mcp-session-id");
  if (!id) return jsonRpcError(400, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first).");
  const session = await findSession(caller.snapshot.tenant.id, id);
  // A session belongs to the agent that opened it; anyone else is told it does not exist.
  if (!session || session.agentId !== caller.agent.id) return jsonRpcError(404, -32001, "Session not found; initialize a new one.");
  return session;
}

async function handleGet(req: Request, caller: Caller): Promise<Response> {
  if (!req.headers.get("accept")?.includes("text/event-stream")) {
    return jsonRpcError(406, -32000, "Not Acceptable: a GET stream needs Accept: text/event-stream.");
  }
  const version = protocolVersionOf(req);
  if (version instanceof Response) return version;
  const session = await sessionOf(req, caller);
  if (session instanceof Response) return session;
  return openStream(session);
}

async function handleDelete(req: Request, caller: Caller): Promise<Response> {
  const session = await sessionOf(req, caller);
  if (session instanceof Response) return session;
  await endSession(session);
  return new Response(null, { status: 204 });
}

async function handlePost(req: Request, caller: Caller): Promise<Response> {
  if (!isJsonContentType(req.headers.get("content-type"))) {
    return jsonRpcError(415, -32000, "Unsupported Media Type: Content-Type must be application/json.");
  }
  const accept = req.headers.get("accept") ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    return jsonRpcError(406, -32000, "Not Acceptable: Accept must list both application/json and text/event-stream.");
  }
  const body = await readBody(req, env.GATEHOUSE_MAX_REQUEST_BYTES);
  if ("tooLarge" in body) return jsonRpcError(413, -32000, `Payload Too Large: a message may have at most ${env.GATEHOUSE_MAX_REQUEST_BYTES} bytes.`);
  let raw: unknown;
  try {
    raw = JSON.parse(body.text);
  } catch {
    return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON.");
  }
  if (Array.isArray(raw)) return jsonRpcError(400, -32600, "Invalid Request: send one JSON-RPC message per POST (batches are not supported).");
  const parsed = JSONRPCMessageSchema.safeParse(raw);
  if (!parsed.success) return jsonRpcError(400, -32600, "Invalid Request: the body is not a JSON-RPC 2.0 message.");
  const message = parsed.data;

  if (isJSONRPCRequest(message) && message.method === "initialize") return initialize(req, caller, message);

  const version = protocolVersionOf(req);
  if (version instanceof Response) return version;
  const session = await sessionOf(req, caller);
  if (session instanceof Response) return session;
  const inSession: Caller = { ...caller, session };

  if (!isJSONRPCRequest(message)) {
    if (isJSONRPCNotification(message)) await onNotification(session, message);
    // An answer to a request we relayed; the process that asked may be another one.
    else if (!deliverAgentResponse(session.id, message)) await publishNow({ kind: "agent_response", sessionId: session.id, message });
    return new Response(null, { status: 202 });
  }
  return answer(req, inSession, message);
}

async function initialize(req: Request, caller: Caller, message: JSONRPCMessage): Promise<Response> {
  const init = InitializeRequestSchema.safeParse(message);
  if (!init.success) return jsonRpcError(400, -32602, "Invalid params: initialize needs protocolVersion, capabilities and clientInfo.");
  const params = init.data.params;
  // Negotiation: a revision we do not speak is answered with our latest, as the spec prescribes.
  const protocolVersion = (PROTOCOL_VERSIONS as readonly string[]).includes(params.protocolVersion) ? params.protocolVersion : PROTOCOL_VERSIONS[0];
  const session = await createSession({
    tenantId: caller.snapshot.tenant.id,
    agentId: caller.agent.id,
    keyId: caller.key.id,
    protocolVersion,
    clientName: params.clientInfo.name.slice(0, 200),
    clientVersion: params.clientInfo.version.slice(0, 100),
    clientCapabilities: params.capabilities as Record<string, unknown>,
  });
  const negotiated = { ...message, params: { ...params, protocolVersion } } as JSONRPCMessage;
  const response = await answer(req, { ...caller, session }, negotiated, true);
  const headers = new Headers(response.headers);
  headers.set("mcp-session-id", session.id);
  return new Response(response.body, { status: response.status, headers });
}

/** Hands one request to a fresh MCP server and transport (neither may be reused across requests). */
async function answer(req: Request, caller: Caller, message: JSONRPCMessage, isInitialize = false): Promise<Response> {
  // A tool call may be held for approval: it must learn when its agent goes away.
  const gone = isJSONRPCRequest(message) && message.method === "tools/call" ? new AbortController() : undefined;
  if (gone) {
    req.signal.addEventListener("abort", () => gone.abort(new Error("the agent went away")), { once: true });
    caller = { ...caller, gone: gone.signal };
  }
  const server = buildServer(caller);
  if (isInitialize) {
    // The handshake itself is audited here; the SDK answers it.
    const id = isJSONRPCRequest(message) ? message.id : null;
    await audited(caller, "initialize", id, async () => undefined);
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: false });
  await server.connect(transport);
  // Nothing outlives the answer: the server and transport are dropped with the response stream.
  const response = await transport.handleRequest(req, { parsedBody: message });
  return gone ? onCancel(response, () => gone.abort(new Error("the agent went away"))) : response;
}

/** The same response, calling `cancelled` if the client stops reading it (it disconnected). */
function onCancel(response: Response, cancelled: () => void): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      cancelled();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

async function onNotification(session: McpSession, message: JSONRPCMessage): Promise<void> {
  const cancelled = CancelledNotificationSchema.safeParse(message);
  if (cancelled.success && cancelled.data.params.requestId !== undefined) {
    const requestId = cancelled.data.params.requestId;
    // The request may be held by another process: tell them all if it is not here.
    if (!cancelLocal(session.id, requestId)) await publishNow({ kind: "cancel", sessionId: session.id, requestId: String(requestId) });
  }
}
