import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ServerNotification } from "@modelcontextprotocol/sdk/types.js";
import { connectHttp, connectStdio, type UpstreamConfig } from "./connect";

/** Receives an upstream's notifications while it is attached to a pooled client. */
export type NotificationListener = (notification: ServerNotification) => void;

/**
 * A pooled upstream client. HTTP upstreams get one client session per agent
 * session (so an upstream's log messages and per-session state reach only
 * that agent); a stdio upstream has one process and so one shared client.
 */
export type Upstream = { client: Client; listen(listener: NotificationListener): () => void };

type Entry = {
  tenantId: string;
  serverId: string;
  version: string;
  /** Set for per-session clients, which the pool owns and closes. */
  sessionId?: string;
  /** The HTTP client session, or the stdio supervisor's current client (it changes when the process restarts). */
  client: () => Promise<Client>;
  listeners: Set<NotificationListener>;
  lastUsed: number;
  active: number;
};

const IDLE_MS = 5 * 60_000;
const MAX_ENTRIES = 2_000;

type PoolState = { entries: Map<string, Entry>; sweeper?: NodeJS.Timeout; onListChanged?: (config: UpstreamConfig, method: string) => void };
const pool: PoolState = ((globalThis as typeof globalThis & { __gatehousePool?: PoolState }).__gatehousePool ??= { entries: new Map() });

/** Called when any upstream says its tools, resources or prompts changed. */
export function onUpstreamListChanged(handler: (config: UpstreamConfig, method: string) => void): void {
  pool.onListChanged = handler;
}

export async function acquireUpstream(config: UpstreamConfig, sessionId: string): Promise<Upstream> {
  const key = config.transport === "stdio" ? `${config.id}|${config.version}` : `${config.id}|${config.version}|${sessionId}`;
  let entry: Entry | undefined = pool.entries.get(key);
  if (!entry) {
    const listeners = new Set<NotificationListener>();
    const attach = (client: Client) => {
      client.fallbackNotificationHandler = async (notification) => {
        const n = notification as ServerNotification;
        if (n.method.endsWith("/list_changed")) pool.onListChanged?.(config, n.method);
        for (const listener of listeners) listener(n);
      };
    };
    let client: () => Promise<Client>;
    if (config.transport === "stdio") {
      client = () => connectStdio(config, attach);
    } else {
      const session = connectHttp(config).then((c) => {
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
      listeners,
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
    listen(listener) {
      current.listeners.add(listener);
      current.active++;
      return () => {
        current.listeners.delete(listener);
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
