import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

// lib/env is read once per module load, so each case loads lib/auth/secret
// afresh under the environment it describes.
const saved = { ...process.env };
const dirs: string[] = [];
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function loadWith(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.resetModules();
  return import("./secret");
}

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-secret-"));
  dirs.push(dir);
  return path.join(dir, "data");
}

describe("resolveAuthSecret", () => {
  it("uses AUTH_SECRET when set", async () => {
    const { resolveAuthSecret } = await loadWith({ AUTH_SECRET: "x".repeat(40), DATABASE_URL: "postgres://db/x" });
    expect(resolveAuthSecret()).toBe("x".repeat(40));
  });

  it("is required on Postgres", async () => {
    const { resolveAuthSecret } = await loadWith({ AUTH_SECRET: undefined, DATABASE_URL: "postgres://db/x" });
    expect(() => resolveAuthSecret()).toThrow(/AUTH_SECRET is required when DATABASE_URL is set/);
  });

  it("on the embedded database, is generated once into the data directory, readable only by its owner", async () => {
    const dataDir = tempDataDir();
    const { resolveAuthSecret } = await loadWith({ AUTH_SECRET: undefined, DATABASE_URL: undefined, GATEHOUSE_DATA_DIR: dataDir });

    const first = resolveAuthSecret();

    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, "auth-secret");
    expect(fs.readFileSync(file, "utf8")).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret()).toBe(first);

    // Another process on the same data directory reads the same secret.
    const again = await loadWith({ AUTH_SECRET: undefined, DATABASE_URL: undefined, GATEHOUSE_DATA_DIR: dataDir });
    expect(again.resolveAuthSecret()).toBe(first);
  });
});
