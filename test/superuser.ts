import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Runs one statement as the database superuser, past row-level security: for
 * arranging state the app itself can never produce (an invitation whose link
 * has expired, a lock that has run out) and for checking rows behind its back.
 * On Postgres the connecting user of the test database must be a superuser.
 */
export async function superuserQuery<R extends Record<string, unknown> = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  if (process.env.DATABASE_URL) {
    const client = await connectAsSuperuser();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }
  // Embedded: one PGlite connection, whose session user is the superuser
  // `postgres` and whose current role is gatehouse_app; switch only for this transaction.
  const { getDatabase } = await import("@/db/client");
  const { db } = await getDatabase();
  const client = (db as unknown as { $client: PGlite }).$client;
  return client.transaction(async (tx) => {
    await tx.query("SET LOCAL ROLE postgres");
    return (await tx.query<R>(text, params)).rows;
  });
}

/**
 * Runs statements as the superuser in one transaction on one connection,
 * e.g. `set local session_replication_role = replica` before writing rows
 * the database's triggers would otherwise not let through.
 */
export async function superuserTransaction<T>(fn: (query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) {
    const client = await connectAsSuperuser();
    try {
      await client.query("begin");
      const result = await fn(async (text, params = []) => (await client.query(text, params)).rows);
      await client.query("commit");
      return result;
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      await client.end();
    }
  }
  const { getDatabase } = await import("@/db/client");
  const { db } = await getDatabase();
  const client = (db as unknown as { $client: PGlite }).$client;
  return client.transaction(async (tx) => {
    await tx.query("SET LOCAL ROLE postgres");
    return fn(async (text, params = []) => (await tx.query<Record<string, unknown>>(text, params)).rows);
  });
}

/** A separate connection to the test database as its (superuser) owner; Postgres only. The caller ends it. */
export async function connectAsSuperuser(): Promise<pg.Client> {
  if (!process.env.DATABASE_URL) throw new Error("connectAsSuperuser needs the Postgres test database (TEST_DATABASE_URL).");
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return client;
}

/** True when the integration tests run on embedded PGlite rather than Postgres. */
export function isEmbedded(): boolean {
  return !process.env.DATABASE_URL;
}
