import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

// Integration tests run against this Postgres server when one is given (each run
// in a throwaway database of its own); otherwise against embedded PGlite, whose
// data directory one process at a time may open, so files then run one by one.
const postgresServer = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

const ignored = ["**/node_modules/**", "e2e/**", ".next/**", ".data/**", ".test-data/**"];

export default defineConfig({
  resolve: { alias: [{ find: /^@\//, replacement: `${root}/` }] },
  test: {
    env: {
      AUTH_SECRET: "test-only-auth-secret-0123456789abcdefghijklmnop",
      // A fixed key for sealing in tests only (32 bytes, base64).
      GATEHOUSE_ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
      // Test upstreams listen on loopback; the SSRF tests opt back out per test.
      GATEHOUSE_UPSTREAM_ALLOW: "127.0.0.1/32",
    },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...ignored, "**/*.db.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.db.test.ts"],
          exclude: ignored,
          globalSetup: ["test/global-setup.ts"],
          setupFiles: ["test/setup-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          ...(postgresServer ? {} : { fileParallelism: false }),
        },
      },
    ],
  },
});
