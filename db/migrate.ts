import path from "node:path";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

// Any constant works; it only has to be the same in every Gatehouse process.
const MIGRATION_LOCK = 7_236_911_482;

/**
 * Applies pending migrations as the connection's own (owning) role; safe to race
 * from several processes. Tells whether that role is a superuser.
 */
export async function migratePostgres(connectionString: string): Promise<{ superuser: boolean }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client }), { migrationsFolder });
    const { rows } = await client.query<{ rolsuper: boolean }>("select rolsuper from pg_roles where rolname = current_user");
    return { superuser: rows[0]?.rolsuper === true };
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}

export async function migrateEmbedded(client: PGlite): Promise<void> {
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
}
