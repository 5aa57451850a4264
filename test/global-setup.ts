import type { TestProject } from "vitest/node";
import { createTempDataDir, createThrowawayDatabase, postgresServerUrl, useTestDatabase } from "./database";

/**
 * Gives the integration run a database of its own: a throwaway database on the
 * Postgres server from TEST_DATABASE_URL (or DATABASE_URL), dropped afterwards;
 * or, with neither set, a fresh embedded PGlite data directory. Migrations are
 * applied by the code under test on its first getDatabase().
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = postgresServerUrl();
  if (serverUrl) {
    const db = await createThrowawayDatabase(serverUrl);
    const database = { kind: "postgres", url: db.url, serverUrl } as const;
    useTestDatabase(database);
    project.provide("database", database);
    return () => db.drop();
  }
  const dir = createTempDataDir("pglite");
  const database = { kind: "pglite", dataDir: dir.dataDir } as const;
  useTestDatabase(database);
  project.provide("database", database);
  return async () => dir.remove();
}
