import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import net from "node:net";

/**
 * Every process the benchmark starts, so that teardown (normal end, error or
 * Ctrl-C) stops exactly those: each runs in a process group of its own, and
 * the group is signalled by its leader's PID, which also reaches grandchildren
 * such as mcp-proxy's stdio fixture.
 */
const started = new Map<number, { name: string; child: ChildProcess }>();
const cleanups: { first: (() => Promise<void>)[]; last: (() => Promise<void>)[] } = { first: [], last: [] };

/**
 * Registers work for teardown, run in reverse order of registration: "first"
 * before the processes are stopped (closing client sessions they serve),
 * "last" after (dropping the database they use).
 */
export function onTeardown(fn: () => Promise<void>, when: "first" | "last" = "first"): void {
  cleanups[when].push(fn);
}

async function runCleanups(list: (() => Promise<void>)[]): Promise<void> {
  for (const fn of list.splice(0).reverse()) await fn().catch((e: Error) => console.error(`[bench] cleanup: ${e.message}`));
}

export type Started = { name: string; child: ChildProcess; pid: number; output: () => string };

/** Spawns `command` in its own process group; keeps the last 64 KiB of its output for error messages. */
export function startProcess(name: string, command: string, args: string[], options: SpawnOptions = {}): Started {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-64 * 1024);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  started.set(child.pid, { name, child });
  child.once("exit", () => started.delete(child.pid!));
  return { name, child, pid: child.pid, output: () => output };
}

/** Resolves with the first stdout line matching `pattern`, or rejects if the process exits or `ms` pass. */
export function waitForLine(proc: Started, pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => finish(new Error(`${proc.name}: no line matching ${pattern} within ${ms} ms\n${proc.output()}`)), ms);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const match = buffer.match(pattern);
      if (match) finish(undefined, match);
    };
    const onExit = (code: number | null) => finish(new Error(`${proc.name} exited (${code}) before it was ready:\n${proc.output()}`));
    const finish = (error?: Error, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      proc.child.stdout?.off("data", onData);
      proc.child.off("exit", onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    proc.child.stdout?.on("data", onData);
    proc.child.once("exit", onExit);
  });
}

/** Polls `probe` until it returns true; rejects after `ms` or when `proc` exits. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 60_000, proc?: Started): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${ms} ms${proc ? `\n${proc.output()}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

let tearingDown: Promise<void> | undefined;

/**
 * Stops every process this benchmark started (TERM, then KILL after 5 s),
 * between the two kinds of registered cleanups. Called again while running
 * (a signal during an error, say), it waits for the same teardown.
 */
export function teardown(): Promise<void> {
  tearingDown ??= stopEverything();
  return tearingDown;
}

/** True once teardown has begun: errors from work cut short by it are expected. */
export function isTearingDown(): boolean {
  return tearingDown !== undefined;
}

async function stopEverything(): Promise<void> {
  await runCleanups(cleanups.first);
  const running = [...started.entries()];
  const exited = running.map(([, { child }]) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once("exit", () => r()))));
  for (const [pid] of running) signalGroup(pid, "SIGTERM");
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000).unref());
  if ((await Promise.race([Promise.all(exited), timeout])) === "timeout") for (const [pid] of running) signalGroup(pid, "SIGKILL");
  // Grandchildren (a group member that outlived its leader) get the same signal once more.
  for (const [pid] of running) signalGroup(pid, "SIGKILL");
  await runCleanups(cleanups.last);
}

/** Tears down on SIGINT/SIGTERM and on an uncaught error, then exits. */
export function installSignalHandlers(): void {
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void teardown().finally(() => process.exit(code));
  };
  // A second Ctrl-C while stopping must not cut the teardown short.
  process.on("SIGINT", () => stop(130));
  process.on("SIGTERM", () => stop(143));
  process.on("uncaughtException", (e) => {
    console.error(e);
    stop(1);
  });
}
