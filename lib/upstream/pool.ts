import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError, type ClientCapabilities, type Result, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { connectHttp, connectStdio, type UpstreamConfig } from "./connect";

/**
 * Where an upstream's messages go while an agent request is using it: its
 * notifications (log messages, resource updates), and the requests it makes
 * of its client (sampling, elicitation, roots), which only the agent can answer.
 */
export type UpstreamRelay = {
  notify(notification: ServerNotification): void;
  request(request: ServerRequest): Promise<Result>;
};

/**
 * A pooled upstream client. HTTP upstreams get one client session per agent
 * session (so an upstream's log messages and per-session state reach only
 * that agent); a stdio upstream has one process and so one shared client.
 */
export type Upstream = { client: Client; attach(relay: UpstreamRelay): () => void };

type Entry = {
  tenantId: string;
  serverId: string;
  version: string;
  /** Set for per-session clients, which the pool owns and closes. */
  sessionId?: string;
  /** The HTTP client session, or the stdio supervisor's current client (it changes when the process restarts). */
  client: () => Promise<Client>;
  /** Agent requests using this client now; the latest gets what the upstream sends. */
  relays: UpstreamRelay[];
  lastUsed: number;
  active: number;
};

const IDLE_MS = 5 * 60_000;
const MAX_ENTRIES = 2_000;

type PoolState = {
  entries: Map<string, Entry>;
  sweeper?: NodeJS.Timeout;
  onListChanged?: (config: UpstreamConfig, method: string) => void;
  onIdleNotification?: (sessionId: string, notification: ServerNotification) => void;
};
const pool: PoolState = ((globalThis as typeof globalThis & { __gatehousePool?: PoolState }).__gatehousePool ??= { entries: new Map() });

/** Where a per-session upstream's notifications go when no agent request is using it (the session's GET stream). */
export function onIdleUpstreamNotification(handler: (sessionId: string, notification: ServerNotification) => void): void {
  pool.onIdleNotification = handler;
}

/** Called when any upstream says its tools, resources or prompts changed. */
export function onUpstreamListChanged(handler: (config: UpstreamConfig, method: string) => void): void {
  pool.onListChanged = handler;
}

/**
 * The pooled client for this server and agent session. `capabilities` are
 * the agent's, declared upstream so the upstream may ask for sampling or
 * elicitation, which are relayed to the agent.
 */
export async function acquireUpstream(config: UpstreamConfig, sessionId: string, capabilities: ClientCapabilities = {}): Promise<Upstream> {
  const key = config.transport === "stdio" ? `${config.id}|${config.version}` : `${config.id}|${config.version}|${sessionId}`;
  let entry: Entry | undefined = pool.entries.get(key);
  if (!entry) {
    const relays: UpstreamRelay[] = [];
    const attach = (client: Client) => {
      client.fallbackNotificationHandler = async (notification) => {
        const n = notification as ServerNotification;
        if (n.method.endsWith("/list_changed")) {
          pool.onListChanged?.(config, n.method);
          return;
        }
        const relay = relays.at(-1);
        if (relay) relay.notify(n);
        else if (config.transport !== "stdio") pool.onIdleNotification?.(sessionId, n);
      };
      client.fallbackRequestHandler = async (request) => {
        const relay = relays.at(-1);
        if (!relay) throw new McpError(ErrorCode.InvalidRequest, "No agent request is in progress to answer this.");
        return relay.request(request as ServerRequest);
      };
    };
    let client: () => Promise<Client>;
    if (config.transport === "stdio") {
      client = () => connectStdio(config, attach);
    } else {
      const session = connectHttp(config, capabilities).then((c) => {
        attach(c);
        c.onclose = () => {
          if (pool.entries.get(key) === entry) pool.entries.delete(key);
        };
        return c;
      });
      session.catch(() => {
        if (pool.entries.get(key) === entry) pool.entries.delete(key);
      });
      client = () => session;
    }
    entry = {
      tenantId: config.tenantId,
      serverId: config.id,
      version: config.version,
      sessionId: config.transport === "stdio" ? undefined : sessionId,
      client,
      relays,
      lastUsed: Date.now(),
      active: 0,
    };
    pool.entries.set(key, entry);
    evictOverflow();
    startSweeper();
  }
  entry.lastUsed = Date.now();
  const current = entry;
  const client = await current.client();
  return {
    client,
    attach(relay) {
      current.relays.push(relay);
      current.active++;
      return () => {
        const at = current.relays.indexOf(relay);
        if (at >= 0) current.relays.splice(at, 1);
        current.active--;
        current.lastUsed = Date.now();
      };
    },
  };
}

/** Drops a tenant's pooled clients whose server is gone, disabled or changed (`current`: server id → version). */
export function retireUpstreams(tenantId: string, current: ReadonlyMap<string, string>): void {
  for (const [key, entry] of pool.entries) {
    if (entry.tenantId === tenantId && current.get(entry.serverId) !== entry.version) close(key, entry);
  }
}

/** Ends the upstream sessions opened for one agent session. */
export function releaseSession(sessionId: string): void {
  for (const [key, entry] of pool.entries) if (entry.sessionId === sessionId) close(key, entry);
}

export async function closeAllUpstreams(): Promise<void> {
  const entries = [...pool.entries];
  pool.entries.clear();
  await Promise.all(entries.filter(([, e]) => e.sessionId).map(([, e]) => e.client().then((c) => c.close()).catch(() => {})));
}

function close(key: string, entry: Entry): void {
  pool.entries.delete(key);
  // stdio clients belong to their supervisor, which outlives pool entries.
  if (entry.sessionId) entry.client().then((c) => c.close()).catch(() => {});
}

function evictOverflow(): void {
  if (pool.entries.size <= MAX_ENTRIES) return;
  const idle = [...pool.entries].filter(([, e]) => e.active === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
  for (const [key, entry] of idle.slice(0, pool.entries.size - MAX_ENTRIES)) close(key, entry);
}

function startSweeper(): void {
  if (pool.sweeper) return;
  pool.sweeper = setInterval(() => {
    const cutoff = Date.now() - IDLE_MS;
    for (const [key, entry] of pool.entries) if (entry.active === 0 && entry.lastUsed < cutoff) close(key, entry);
  }, 60_000);
  pool.sweeper.unref();
}
