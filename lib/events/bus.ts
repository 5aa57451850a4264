import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDatabase, type Tx } from "@/db/client";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterCommit } from "@/lib/db";

/**
 * What one process tells the others, over Postgres NOTIFY on one channel.
 * Sent inside a transaction, an event is delivered when (and only if) it commits.
 */
export type BusEvent =
  /** A tenant's gateway configuration (servers, tools, agents, keys, roles) changed. */
  | { kind: "config"; tenantId: string }
  /** An agent cancelled one of its requests; whichever process holds it aborts it. */
  | { kind: "cancel"; sessionId: string; requestId: string }
  /** An agent ended its MCP session. */
  | { kind: "session_ended"; sessionId: string }
  /** A webhook delivery of the tenant was queued; the delivery worker wakes. */
  | { kind: "webhook"; tenantId: string }
  /** An approval request changed state; a call held on it, and reviewers' inboxes, wake up. */
  | { kind: "approval"; tenantId: string; approvalId: string; status: string }
  /** An agent's answer to a request Gatehouse relayed to it; the process that sent the request is waiting. */
  | { kind: "agent_response"; sessionId: string; message: JSONRPCMessage };

/** Delivered to subscribers when events may have been missed (the LISTEN connection dropped). */
export type BusReset = { kind: "reset" };

type Handler = (event: BusEvent | BusReset) => void;

const CHANNEL = "gatehouse_events";

/** Marks this process's own events: it has acted on them already and skips them when NOTIFY brings them back. */
const encode = (event: BusEvent) => JSON.stringify({ ...event, origin: state.origin });

type BusState = { handlers: Set<Handler>; listening?: Promise<void>; live: boolean; origin: string };
const state = ((globalThis as typeof globalThis & { __gatehouseBus?: BusState }).__gatehouseBus ??= {
  handlers: new Set(),
  live: false,
  origin: randomUUID(),
});

/**
 * Tells every process once `tx` commits. This process hears it at once
 * (the change must show on its very next request); others over NOTIFY.
 */
export async function publish(tx: Tx, event: BusEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${encode(event)})`);
  afterCommit(tx, () => dispatch(event));
}

/** NOTIFY payloads must stay under 8000 bytes. */
export const MAX_EVENT_BYTES = 7_900;

/**
 * Publishes outside any transaction (e.g. a cancellation, which changes no
 * rows), here at once and to the other processes. False if the event is too
 * large to send to them.
 */
export async function publishNow(event: BusEvent): Promise<boolean> {
  dispatch(event);
  const payload = encode(event);
  if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) return false;
  const { db } = await getDatabase();
  await db.execute(sql`select pg_notify(${CHANNEL}, ${payload})`);
  return true;
}

export function subscribe(handler: Handler): () => void {
  state.handlers.add(handler);
  return () => state.handlers.delete(handler);
}

/**
 * True while this process hears every event. Caches that rely on events for
 * invalidation must not be trusted while it is false.
 */
export function isLive(): boolean {
  return state.live;
}

/** Starts listening once per process; later calls wait for the same start. */
export function startListening(): Promise<void> {
  state.listening ??= (async () => {
    const database = await getDatabase();
    await database.listen(CHANNEL, {
      onMessage: (payload) => {
        let event: BusEvent & { origin?: string };
        try {
          event = JSON.parse(payload) as BusEvent & { origin?: string };
        } catch {
          return;
        }
        if (event.origin !== state.origin) dispatch(event);
      },
      onDown: () => {
        state.live = false;
        dispatch({ kind: "reset" });
      },
      onUp: () => {
        state.live = true;
        dispatch({ kind: "reset" });
      },
    });
    state.live = true;
  })().catch((e) => {
    state.listening = undefined;
    throw e;
  });
  return state.listening;
}

function dispatch(event: BusEvent | BusReset): void {
  for (const handler of state.handlers) {
    try {
      handler(event);
    } catch (e) {
      console.error("[events] handler failed:", e instanceof Error ? e.message : e);
    }
  }
}
