// Serves the built app for the e2e suite on a database of its own:
// a throwaway PostgreSQL database when TEST_DATABASE_URL is set (refused unless
// it points at this machine), otherwise the embedded PGlite in a temp dir.
// Cleans up when Playwright stops it. Run with `node --import tsx`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createTempDataDir, createThrowawayDatabase } from "../test/database";
import { serverDatabaseNote } from "./support/server-database";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.E2E_PORT ?? "3210";
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  AUTH_SECRET: randomBytes(33).toString("base64url"),
  // Specs start fixture upstreams on this machine; the URL guard refuses loopback otherwise.
  GATEHOUSE_UPSTREAM_ALLOW: process.env.GATEHOUSE_UPSTREAM_ALLOW ?? "127.0.0.1/32",
  // PostgreSQL needs a key to seal upstream credentials; a fresh one per run.
  GATEHOUSE_ENCRYPTION_KEY: process.env.GATEHOUSE_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
};
delete env.DATABASE_URL;

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("[e2e] no build found: run `npm run build` first.");
  process.exit(1);
}

/** Where specs learn which PostgreSQL database the app runs on (specs that seed in bulk need it); absent on PGlite. */
const databaseNote = serverDatabaseNote(port);
fs.rmSync(databaseNote, { force: true });

let cleanup: () => Promise<void> | void;
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl) {
  const { hostname } = new URL(serverUrl);
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(hostname)) {
    console.error(`[e2e] refusing to run against a non-local database (${hostname}).`);
    process.exit(1);
  }
  const database = await createThrowawayDatabase(serverUrl);
  env.DATABASE_URL = database.url;
  fs.writeFileSync(databaseNote, database.url, { mode: 0o600 });
  cleanup = async () => {
    fs.rmSync(databaseNote, { force: true });
    await database.drop();
  };
  console.log(`[e2e] PostgreSQL database ${new URL(database.url).pathname.slice(1)}`);
} else {
  const { dataDir, remove } = createTempDataDir("e2e");
  env.GATEHOUSE_DATA_DIR = dataDir;
  cleanup = remove;
  console.log(`[e2e] embedded database in ${dataDir}`);
}

const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port], {
  cwd: root,
  env,
  stdio: "inherit",
});
let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
  await Promise.resolve(cleanup()).catch((e: Error) => console.error("[e2e] cleanup failed:", e.message));
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
server.on("exit", (code) => {
  if (!stopping) Promise.resolve(cleanup()).finally(() => process.exit(code ?? 1));
});
