#!/usr/bin/env node
// Serves the built app for the e2e suite on a database of its own:
// a throwaway PostgreSQL database when TEST_DATABASE_URL is set (refused unless
// it points at this machine), otherwise the embedded PGlite in a temp dir.
// Cleans up when Playwright stops it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.E2E_PORT ?? "3210";
const env = { ...process.env, PORT: port, AUTH_SECRET: randomBytes(33).toString("base64url") };
delete env.DATABASE_URL;

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("[e2e] no build found: run `npm run build` first.");
  process.exit(1);
}

let cleanup = async () => {};
const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) {
  const url = new URL(adminUrl);
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(url.hostname)) {
    console.error(`[e2e] refusing to run against a non-local database (${url.hostname}).`);
    process.exit(1);
  }
  const name = `gatehouse_e2e_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  cleanup = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  console.log(`[e2e] PostgreSQL database ${name}`);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-e2e-"));
  env.GATEHOUSE_DATA_DIR = dir;
  cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  console.log(`[e2e] embedded database in ${dir}`);
}

const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port], {
  cwd: root,
  env,
  stdio: "inherit",
});
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  await cleanup().catch((e) => console.error("[e2e] cleanup failed:", e.message));
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
server.on("exit", (code) => {
  if (!stopping) cleanup().finally(() => process.exit(code ?? 1));
});
