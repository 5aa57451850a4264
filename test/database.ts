import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

// Nothing here imports lib/: lib/env reads process.env once, on first import,
// so the harness must point DATABASE_URL / GATEHOUSE_DATA_DIR at the test
// database before any test module loads it.

/** Where the integration tests' database lives, handed from the global setup to every worker. */
export type TestDatabase =
  | { kind: "postgres"; url: string; serverUrl: string }
  | { kind: "pglite"; dataDir: string };

declare module "vitest" {
  export interface ProvidedContext {
    database: TestDatabase;
  }
}

/** The Postgres server to test against, if any; never used itself, only to create throwaway databases on. */
export function postgresServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

async function connectToServer(serverUrl: string): Promise<pg.Client> {
  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  try {
    try {
      return await connect(serverUrl);
    } catch (e) {
      // The database named in the URL may not exist; any database will do to CREATE DATABASE from.
      if ((e as { code?: string }).code !== "3D000") throw e;
      const url = new URL(serverUrl);
      url.pathname = "/postgres";
      return await connect(url.toString());
    }
  } catch (e) {
    throw new Error(
      `Could not connect to the test Postgres server ${redact(serverUrl)} (from TEST_DATABASE_URL or DATABASE_URL): ${(e as Error).message}. ` +
        `Start it, or unset both variables to test on embedded PGlite.`,
    );
  }
}

export type ThrowawayDatabase = { url: string; drop(): Promise<void> };

/** Creates an empty database `gatehouse_test_<random>` on the server; `drop()` removes it even with open connections. */
export async function createThrowawayDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  const name = `gatehouse_test_${randomBytes(6).toString("hex")}`;
  const admin = await connectToServer(serverUrl);
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (e) {
    throw new Error(`Could not create the test database on ${redact(serverUrl)}: ${(e as Error).message}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = await connectToServer(serverUrl);
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh, empty data directory for an embedded PGlite database. */
export function createTempDataDir(label = "db"): { dataDir: string; remove(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `gatehouse-test-${label}-`));
  return { dataDir, remove: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

/** Points this process's environment (read later by lib/env) at a test database. */
export function useTestDatabase(database: TestDatabase): void {
  if (database.kind === "postgres") {
    process.env.DATABASE_URL = database.url;
  } else {
    delete process.env.DATABASE_URL;
    process.env.GATEHOUSE_DATA_DIR = database.dataDir;
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
