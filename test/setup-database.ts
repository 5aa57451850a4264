import { afterAll, inject } from "vitest";
import { useTestDatabase } from "./database";

// Runs in each worker before a test file is loaded, so lib/env sees the test database.
useTestDatabase(inject("database"));

afterAll(async () => {
  const { closeDatabase } = await import("@/db/client");
  await closeDatabase();
});
