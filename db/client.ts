import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { env } from "@/lib/env";
import { lockDataDir } from "./data-dir-lock";
import { migrateEmbedded, migratePostgres } from "./migrate";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/**
 * Receives the payloads NOTIFYed on a channel. Between `onDown` and `onUp`
 * (a dropped connection, then a new one) payloads may have been missed.
 */
export type Listener = { onMessage(payload: string): void; onDown(): void; onUp(): void };

export type Database = {
  db: Db;
  driver: "postgres" | "pglite";
  /** Subscribes to a Postgres NOTIFY channel; the promise settles once listening. */
  listen(channel: string, listener: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

/** The role every application query runs as; created by the migrations. */
const APP_ROLE = "gatehouse_app";

const state = globalThis as typeof globalThis & { __gatehouseDatabase?: Promise<Database> };

/**
 * The process-wide database, opened (and migrated) on first use. Kept on
 * globalThis because `next dev` evaluates modules once per route.
 */
export function getDatabase(): Promise<Database> {
  state.__gatehouseDatabase ??= open().catch((e) => {
    state.__gatehouseDatabase = undefined;
    throw e;
  });
  return state.__gatehouseDatabase;
}

export async function closeDatabase(): Promise<void> {
  const current = state.__gatehouseDatabase;
  state.__gatehouseDatabase = undefined;
  if (current) await (await current).close();
}

function open(): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openEmbedded(env.dataDir);
}

async function openPostgres(connectionString: string): Promise<Database> {
  const { superuser } = await migratePostgres(connectionString);
  if (superuser && process.env.NODE_ENV === "production") {
    console.warn(
      "[db] DATABASE_URL connects as a superuser: queries still run as gatehouse_app, but SQL that resets the role would escape row-level security. Use a dedicated non-superuser role (see README).",
    );
  }
  const pool = new pg.Pool({
    connectionString,
    max: env.GATEHOUSE_DB_POOL_MAX,
    // Set at connection start-up, so no query can run before it.
    options: `-c role=${APP_ROLE}`,
  });
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  const db = drizzlePg({ client: pool, schema, casing: "snake_case" }) as unknown as Db;
  const listeners = new Set<() => Promise<void>>();
  return {
    db,
    driver: "postgres",
    listen: async (channel, listener) => {
      const stop = await listenPostgres(connectionString, channel, listener);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

/**
 * LISTENs on a connection of its own (pooled ones are shared), reconnecting
 * with backoff when it drops. Whatever was NOTIFYed while it was down is lost,
 * which the listener learns from onDown / onUp.
 */
async function listenPostgres(connectionString: string, channel: string, listener: Listener): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString, options: `-c role=${APP_ROLE}` });
    c.on("notification", (n) => {
      if (n.channel === channel) listener.onMessage(n.payload ?? "");
    });
    c.on("error", () => dropped(c));
    c.on("end", () => dropped(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (e) {
      c.end().catch(() => {});
      throw e;
    }
    client = c;
    attempt = 0;
  };

  const scheduleReconnect = () => {
    if (stopped) return;
    const delay = Math.min(250 * 2 ** attempt++, 10_000);
    retry = setTimeout(() => {
      connect().then(
        () => listener.onUp(),
        (e: Error) => {
          console.error(`[db] LISTEN ${channel} failed, retrying: ${e.message}`);
          scheduleReconnect();
        },
      );
    }, delay);
    retry.unref();
  };

  const dropped = (c: pg.Client) => {
    if (stopped || client !== c) return;
    client = undefined;
    c.end().catch(() => {});
    listener.onDown();
    scheduleReconnect();
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

async function openEmbedded(dataDir: string): Promise<Database> {
  const release = lockDataDir(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const pgDir = path.join(dataDir, "pg");
    fs.mkdirSync(pgDir, { recursive: true });
    const client = await PGlite.create(pgDir);
    await migrateEmbedded(client);
    await client.exec(`SET ROLE ${APP_ROLE}`);
    const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as Db;
    return {
      db,
      driver: "pglite",
      // One process owns the embedded database, and it hears its own NOTIFYs.
      listen: async (channel, listener) => client.listen(channel, (payload) => listener.onMessage(payload)),
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
