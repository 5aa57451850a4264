import { ErrorCode, McpError, type JSONRPCMessage, type JSONRPCNotification, type Result } from "@modelcontextprotocol/sdk/types.js";
import { subscribe } from "@/lib/events/bus";
import { randomBase62 } from "@/lib/ids";
import type { McpSession } from "./sessions";

/**
 * What this process holds open for agents: requests in flight (so a
 * cancellation, which may arrive at any process, can abort them) and GET
 * streams (so configuration changes reach agents as list_changed).
 */
type Stream = { tenantId: string; send(message: JSONRPCNotification): void; close(): void };
type Pending = { resolve(result: Result): void; reject(error: Error): void };
type LiveState = {
  inflight: Map<string, AbortController>;
  streams: Map<string, Set<Stream>>;
  /** Requests sent to agents (relayed sampling, elicitation, roots) awaiting their answer. */
  pending: Map<string, Pending>;
  subscribed: boolean;
};

const live: LiveState = ((globalThis as typeof globalThis & { __gatehouseLive?: LiveState }).__gatehouseLive ??= {
  inflight: new Map(),
  streams: new Map(),
  pending: new Map(),
  subscribed: false,
});

const KEEPALIVE_MS = 25_000;
const LIST_CHANGED = ["notifications/tools/list_changed", "notifications/resources/list_changed", "notifications/prompts/list_changed"];

function ensureSubscribed(): void {
  if (live.subscribed) return;
  live.subscribed = true;
  subscribe((event) => {
    if (event.kind === "cancel") cancelLocal(event.sessionId, event.requestId);
    if (event.kind === "agent_response") deliverAgentResponse(event.sessionId, event.message);
    if (event.kind === "session_ended") for (const stream of live.streams.get(event.sessionId) ?? []) stream.close();
    if (event.kind === "config") {
      for (const streams of live.streams.values()) {
        for (const stream of streams) {
          if (stream.tenantId !== event.tenantId) continue;
          for (const method of LIST_CHANGED) stream.send({ jsonrpc: "2.0", method });
        }
      }
    }
  });
}

const inflightKey = (sessionId: string, requestId: string | number) => `${sessionId} ${String(requestId)}`;

/** Registers a request in flight; its signal aborts when the agent cancels it. */
export function trackRequest(sessionId: string, requestId: string | number): { signal: AbortSignal; done(): void } {
  ensureSubscribed();
  const key = inflightKey(sessionId, requestId);
  const controller = new AbortController();
  live.inflight.set(key, controller);
  return {
    signal: controller.signal,
    done: () => {
      if (live.inflight.get(key) === controller) live.inflight.delete(key);
    },
  };
}

/** Aborts a request if this process holds it; true if it did. */
export function cancelLocal(sessionId: string, requestId: string | number): boolean {
  const controller = live.inflight.get(inflightKey(sessionId, requestId));
  if (!controller) return false;
  controller.abort(new Error("cancelled by the client"));
  return true;
}

/** The session's standalone SSE stream: server-initiated notifications, and keep-alive comments. */
export function openStream(session: McpSession): Response {
  ensureSubscribed();
  const encoder = new TextEncoder();
  let stream: Stream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const cleanup = () => {
        clearInterval(timer);
        const set = live.streams.get(session.id);
        if (stream && set) {
          set.delete(stream);
          if (set.size === 0) live.streams.delete(session.id);
        }
      };
      stream = {
        tenantId: session.tenantId,
        send: (message) => write(`event: message\ndata: ${JSON.stringify(message)}\n\n`),
        close: () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed
          }
        },
      };
      const set = live.streams.get(session.id) ?? new Set();
      set.add(stream);
      live.streams.set(session.id, set);
      write(": connected\n\n");
      timer = setInterval(() => write(": keep-alive\n\n"), KEEPALIVE_MS);
      timer.unref();
    },
    cancel() {
      stream?.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "mcp-session-id": session.id,
    },
  });
}

/** Sends a notification on the session's GET streams held by this process; false if there are none. */
export function notifySession(sessionId: string, message: JSONRPCNotification): boolean {
  const streams = live.streams.get(sessionId);
  if (!streams?.size) return false;
  for (const stream of streams) stream.send(message);
  return true;
}

/** Longest Gatehouse waits for an agent to answer a relayed request (a person may be answering an elicitation). */
const AGENT_ANSWER_MS = 10 * 60_000;

/**
 * Sends a request to the agent (on the stream of the request it relates to)
 * and waits for its answer, which arrives as a later POST, in any process.
 */
export function requestFromAgent(
  sessionId: string,
  request: { method: string; params?: Record<string, unknown> },
  send: (message: JSONRPCMessage) => Promise<void>,
  signal: AbortSignal,
): Promise<Result> {
  ensureSubscribed();
  const id = `gatehouse-${randomBase62(16)}`;
  const key = inflightKey(sessionId, id);
  return new Promise<Result>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      live.pending.delete(key);
    };
    const onAbort = () => {
      done();
      reject(new McpError(ErrorCode.ConnectionClosed, "The agent request this belonged to has ended."));
    };
    const timer = setTimeout(() => {
      done();
      reject(new McpError(ErrorCode.RequestTimeout, `The agent did not answer ${request.method} in time.`));
    }, AGENT_ANSWER_MS);
    timer.unref();
    signal.addEventListener("abort", onAbort, { once: true });
    live.pending.set(key, {
      resolve: (result) => {
        done();
        resolve(result);
      },
      reject: (error) => {
        done();
        reject(error);
      },
    });
    send({ jsonrpc: "2.0", id, method: request.method, params: request.params }).catch((e: Error) => {
      done();
      reject(e);
    });
  });
}

/** Hands an agent's answer to the relayed request waiting for it here; false if none waits in this process. */
export function deliverAgentResponse(sessionId: string, message: JSONRPCMessage): boolean {
  if (!("id" in message) || "method" in message || message.id === undefined) return false;
  const pending = live.pending.get(inflightKey(sessionId, message.id));
  if (!pending) return false;
  if ("error" in message) pending.reject(new McpError(message.error.code, message.error.message, message.error.data));
  else pending.resolve(message.result);
  return true;
}
