import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock";

const HOLDER = path.join(process.cwd(), "test", "hold-data-dir-lock.ts");

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-lock-"));
  dirs.push(dir);
  return path.join(dir, "data"); // not created yet: lockDataDir must create it
}

const lockFile = (dir: string) => path.join(dir, "gatehouse.lock");
const holderPid = (dir: string) => JSON.parse(fs.readFileSync(lockFile(dir), "utf8")).pid as number;

/** Starts another Node process that takes the lock on `dir`; resolves once it holds it. */
async function holdInChild(dir: string, mode?: "exit"): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dir, ...(mode ? [mode] : [])], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("locked") && resolve());
    child.once("exit", (code) => (mode === "exit" && code === 0 ? resolve() : reject(new Error(`holder exited (${code}): ${stderr}`))));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once("exit", () => r()));

describe("lockDataDir", () => {
  it("creates the directory, writes a lock file naming this process, and removes it on release", () => {
    const dir = tempDir();
    const release = lockDataDir(dir);

    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(holderPid(dir)).toBe(process.pid);
    expect(fs.statSync(lockFile(dir)).mode & 0o777).toBe(0o600);

    release();
    expect(fs.existsSync(lockFile(dir))).toBe(false);
    release(); // twice is harmless
  });

  it("stops a second process with a message naming the holder's pid and GATEHOUSE_DATA_DIR, and leaves the lock alone", async () => {
    const dir = tempDir();
    const child = await holdInChild(dir);

    let error: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(DataDirLockedError);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${child.pid}`);
    expect(message).toContain("GATEHOUSE_DATA_DIR");
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain(dir);
    expect(holderPid(dir)).toBe(child.pid);
  }, 20_000);

  it("takes over the lock of a process that died without releasing it", async () => {
    const dir = tempDir();
    const child = await holdInChild(dir);
    child.kill("SIGKILL");
    await exited(child);
    expect(holderPid(dir)).toBe(child.pid); // stale: the file outlived its process

    const release = lockDataDir(dir);

    expect(holderPid(dir)).toBe(process.pid);
    release();
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  }, 20_000);

  it("is released when the holding process exits normally", async () => {
    const dir = tempDir();
    const child = await holdInChild(dir, "exit");
    await exited(child);
    expect(fs.existsSync(lockFile(dir))).toBe(false);
    lockDataDir(dir)();
  }, 20_000);

  it.each([
    ["garbage", "not json"],
    ["no pid", "{}"],
    ["a negative pid", JSON.stringify({ pid: -1 })],
    ["an empty file", ""],
  ])("takes over a lock file holding %s", (_label, content) => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(lockFile(dir), content);

    const release = lockDataDir(dir);

    expect(holderPid(dir)).toBe(process.pid);
    release();
  });

  it("takes over a lock left by an earlier open in this same process", () => {
    const dir = tempDir();
    lockDataDir(dir);
    const release = lockDataDir(dir);
    expect(holderPid(dir)).toBe(process.pid);
    release();
  });
});
