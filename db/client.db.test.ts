import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The embedded default: with DATABASE_URL unset, db/client opens PGlite in
// GATEHOUSE_DATA_DIR, migrates it and runs every query as gatehouse_app.
// Run in a child process so that its environment (and its data directory
// lock) is its own, whichever database the rest of the suite uses.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-embedded-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the embedded database", () => {
  it("opens, migrates and runs queries as gatehouse_app, holding the data-dir lock while open", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dataDir };
    delete env.DATABASE_URL;

    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join("test", "embedded-smoke.ts")], {
      cwd: process.cwd(),
      env,
      timeout: 60_000,
    });

    const seen = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(seen).toEqual({
      embedded: true,
      driver: "pglite",
      dataDir,
      currentUser: "gatehouse_app",
      users: 0,
      lockHeldWhileOpen: true,
      lockReleased: true,
    });
    expect(fs.existsSync(path.join(dataDir, "pg", "PG_VERSION"))).toBe(true);
  }, 60_000);
});
