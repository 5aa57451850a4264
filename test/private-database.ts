import { inject } from "vitest";
import { createTempDataDir, createThrowawayDatabase, useTestDatabase } from "./database";

/**
 * Points this test file at an empty database of its own, for the few behaviours
 * that exist only on an empty database (first-run setup). Call it before
 * anything from lib/ or db/ is imported (import those dynamically afterwards);
 * the returned function closes and removes the database.
 */
export async function usePrivateDatabase(): Promise<() => Promise<void>> {
  const shared = inject("database");
  let remove: () => Promise<void>;
  if (shared.kind === "postgres") {
    const db = await createThrowawayDatabase(shared.serverUrl);
    useTestDatabase({ ...shared, url: db.url });
    remove = () => db.drop();
  } else {
    const dir = createTempDataDir("private");
    useTestDatabase({ kind: "pglite", dataDir: dir.dataDir });
    remove = async () => dir.remove();
  }
  return async () => {
    const { closeDatabase } = await import("@/db/client");
    await closeDatabase();
    await remove();
  };
}
