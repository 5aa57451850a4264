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

export type Database = {
  db: Db;
  driver: "postgres" | "pglite";
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
  return { db, driver: "postgres", close: () => pool.end() };
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
