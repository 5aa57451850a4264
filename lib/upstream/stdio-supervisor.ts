import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

/** A stdio upstream as the platform operator declared it. */
export type StdioCommand = { key: string; command: string; args: string[]; env: Record<string, string>; cwd?: string };

type Supervised = {
  spec: StdioCommand;
  /** The current connection, or the start in progress. */
  client?: Promise<Client>;
  pid?: number | null;
  restarts: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
};

const MAX_BACKOFF_MS = 30_000;
const CONNECT_TIMEOUT_MS = 30_000;

const state: Map<string, Supervised> = ((globalThis as typeof globalThis & { __gatehouseStdio?: Map<string, Supervised> }).__gatehouseStdio ??= new Map());

/**
 * The connected client of a platform stdio server: one process per server for
 * the whole Gatehouse process (not per session), restarted with backoff when
 * it dies, stopped when Gatehouse exits.
 */
export function stdioClient(spec: StdioCommand, onNotification?: (client: Client) => void): Promise<Client> {
  let entry = state.get(spec.key);
  if (entry && !sameSpec(entry.spec, spec)) {
    stopSupervised(entry);
    entry = undefined;
  }
  if (!entry) {
    entry = { spec, restarts: 0, stopped: false };
    state.set(spec.key, entry);
    installExitHook();
  }
  entry.client ??= start(entry, onNotification);
  return entry.client;
}

function start(entry: Supervised, onNotification?: (client: Client) => void): Promise<Client> {
  const transport = new StdioClientTransport({
    command: entry.spec.command,
    args: entry.spec.args,
    // Only what the operator declared, plus PATH to find interpreters: never the gateway's own secrets.
    env: { PATH: process.env.PATH ?? "", ...entry.spec.env },
    cwd: entry.spec.cwd,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) console.error(`[upstream ${entry.spec.key}] ${line.slice(0, 500)}`);
  });
  const client = new Client({ name: "gatehouse", version: "0.1.0" });
  const connecting = client.connect(transport, { timeout: CONNECT_TIMEOUT_MS }).then(() => {
    entry.pid = transport.pid;
    entry.restarts = 0;
    onNotification?.(client);
    return client;
  });
  client.onclose = () => {
    if (entry.stopped || state.get(entry.spec.key) !== entry) return;
    entry.client = undefined;
    entry.pid = undefined;
    const delay = Math.min(250 * 2 ** entry.restarts++, MAX_BACKOFF_MS);
    console.error(`[upstream ${entry.spec.key}] process exited; restarting in ${delay} ms`);
    entry.timer = setTimeout(() => {
      entry.client ??= start(entry, onNotification);
      entry.client.catch(() => {});
    }, delay);
    entry.timer.unref();
  };
  connecting.catch(() => client.close().catch(() => {}));
  return connecting;
}

function sameSpec(a: StdioCommand, b: StdioCommand): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stopSupervised(entry: Supervised): void {
  entry.stopped = true;
  clearTimeout(entry.timer);
  state.delete(entry.spec.key);
  entry.client?.then((c) => c.close()).catch(() => {});
}

/** The pid of a supervised server's current process, if it runs (for tests and the console). */
export function stdioPid(key: string): number | null | undefined {
  return state.get(key)?.pid;
}

export async function stopAllStdio(): Promise<void> {
  const entries = [...state.values()];
  for (const entry of entries) {
    entry.stopped = true;
    clearTimeout(entry.timer);
    state.delete(entry.spec.key);
  }
  await Promise.all(entries.map((e) => e.client?.then((c) => c.close()).catch(() => {})));
}

let hooked = false;
/** Children must not outlive Gatehouse: kill them synchronously on exit. */
function installExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", () => {
    for (const entry of state.values()) {
      if (entry.pid) {
        try {
          process.kill(entry.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  });
}
