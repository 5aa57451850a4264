import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BreakdownRow } from "./breakdown";
import type { Stats } from "./load";
import type { ServerStats } from "./timing";

export type Machine = { cpus: number; cpuModel: string; memory: string; os: string; node: string; postgres: string; packages: Record<string, string> };

function packageVersion(root: string, name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(`${root}/node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

export function describeMachine(root: string, postgres: string): Machine {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const meminfo = fs.readFileSync("/proc/meminfo", "utf8");
  const kib = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  let cpus = os.availableParallelism();
  try {
    cpus = Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    // nproc missing: availableParallelism says the same.
  }
  return {
    cpus,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    memory: `${(kib / 1024 / 1024).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    postgres,
    packages: Object.fromEntries(["next", "@modelcontextprotocol/sdk", "mcp-proxy", "pg"].map((p) => [p, packageVersion(root, p)])),
  };
}

/** One measured cell: a path at one load, with the front server's own view of it where that was measured. */
export type Row = { op: string; load: string; path: string; base?: string; stats: Stats; server?: ServerStats };

const ms = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? "–" : v < 10 ? v.toFixed(2) : v.toFixed(1));
const ratio = (a: number, b: number | undefined) => (b === undefined || !b ? "–" : `${(a / b).toFixed(2)}×`);
const plus = (a: number, b: number | undefined) => (b === undefined ? "–" : `${a - b >= 0 ? "+" : ""}${(a - b).toFixed(2)}`);

const HEADER = ["op", "load", "path", "p50 ms", "p99 ms", "calls/s", "p50 vs base", "+p50 ms", "p99 vs base", "calls/s vs base", "server p50 ms", "server CPU ms/call", "errors"];

/** Each row with its ratios to its base row (the direct path over the same upstream transport, at the same load). */
export function tableRows(rows: Row[]): string[][] {
  return rows.map((row) => {
    const base = row.base ? rows.find((r) => r.op === row.op && r.load === row.load && r.path === row.base)?.stats : undefined;
    const isBase = !row.base;
    return [
      row.op,
      row.load,
      row.path,
      ms(row.stats.p50),
      ms(row.stats.p99),
      row.stats.throughput.toFixed(0),
      isBase ? "base" : ratio(row.stats.p50, base?.p50),
      isBase ? "" : plus(row.stats.p50, base?.p50),
      isBase ? "" : ratio(row.stats.p99, base?.p99),
      isBase ? "" : ratio(row.stats.throughput, base?.throughput),
      ms(row.server?.p50),
      ms(row.server?.cpuMsPerRequest),
      String(row.stats.errors),
    ];
  });
}

export function formatConsole(rows: string[][], header = HEADER): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const textColumns = header === HEADER ? 3 : 1;
  const line = (r: string[]) => r.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function formatMarkdown(rows: string[][], header = HEADER): string {
  const align = header.map((_, i) => (i < (header === HEADER ? 3 : 1) ? "---" : "---:"));
  return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export const RESULTS_START = "<!-- bench:results:start -->";
export const RESULTS_END = "<!-- bench:results:end -->";

/** Replaces the generated section of the doc (between the markers), keeping the prose around it. */
export function writeResults(file: string, generated: string): void {
  const block = `${RESULTS_START}\n${generated.trim()}\n${RESULTS_END}`;
  let doc = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Benchmarks\n\n${RESULTS_START}\n${RESULTS_END}\n`;
  const start = doc.indexOf(RESULTS_START);
  const end = doc.indexOf(RESULTS_END);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  doc = start === -1 || end === -1 ? `${doc.trimEnd()}\n\n${block}\n` : doc.slice(0, start) + block + doc.slice(end + RESULTS_END.length);
  fs.writeFileSync(file, doc);
}

export const BREAKDOWN_HEADER = ["measurement (tools/call; 1 agent unless said)", "p50 ms", "p99 ms", "calls/s", "server p50 ms", "server CPU ms/call", "fixture p50 ms", "fixture CPU ms/call"];

export function breakdownRows(rows: BreakdownRow[]): string[][] {
  const f = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? "–" : v.toFixed(3));
  return rows.map((r) => [r.name, f(r.stats.p50), f(r.stats.p99), r.stats.throughput.toFixed(0), f(r.server?.p50), f(r.server?.cpuMsPerRequest), f(r.fixture?.p50), f(r.fixture?.cpuMsPerRequest)]);
}

/** The numbers the goal is stated in, computed from this run. */
export function verdict(rows: Row[], breakdown: BreakdownRow[]): string[] {
  const find = (op: string, load: string, p: string) => rows.find((r) => r.op === op && r.load === load && r.path === p);
  const lines: string[] = [];
  const first = rows.find((r) => r.op === "tools/call")?.load;
  const direct = first ? find("tools/call", first, "direct (HTTP)") : undefined;
  const gh = first ? find("tools/call", first, "Gatehouse → HTTP") : undefined;
  if (direct && gh) {
    const added = gh.stats.p50 - direct.stats.p50;
    lines.push(`- Gatehouse adds ${added.toFixed(2)} ms at p50 over direct (tools/call, ${first}): ${added < 2 ? "within" : "over"} the 2 ms aim.`);
  }
  const cel = first ? find("tools/call", first, "Gatehouse → HTTP, CEL") : undefined;
  if (gh && cel) {
    const cpu = (r: Row) => r.server?.cpuMsPerRequest;
    const extraCpu = cpu(cel) != null && cpu(gh) != null ? ` and ${(cpu(cel)! - cpu(gh)!).toFixed(2)} ms of server CPU per call` : "";
    lines.push(`- Three CEL conditions per call add ${(cel.stats.p50 - gh.stats.p50).toFixed(2)} ms at p50${extraCpu} (tools/call, ${first}).`);
  }
  for (const load of new Set(rows.filter((r) => r.op === "tools/call").map((r) => r.load))) {
    const proxy = find("tools/call", load, "mcp-proxy → stdio");
    const viaStdio = find("tools/call", load, "Gatehouse → stdio");
    const viaHttp = find("tools/call", load, "Gatehouse → HTTP");
    if (!proxy) continue;
    const parts = [viaStdio && `Gatehouse → stdio ${viaStdio.stats.throughput.toFixed(0)}/s`, viaHttp && `Gatehouse → HTTP ${viaHttp.stats.throughput.toFixed(0)}/s`].filter(Boolean);
    const best = Math.max(viaStdio?.stats.throughput ?? 0, viaHttp?.stats.throughput ?? 0);
    lines.push(`- tools/call throughput at ${load}: ${parts.join(", ")} vs mcp-proxy ${proxy.stats.throughput.toFixed(0)}/s (${best > proxy.stats.throughput ? "Gatehouse ahead" : "mcp-proxy ahead"}).`);
  }
  const get = (prefix: string) => breakdown.find((r) => r.name.startsWith(prefix));
  const next = breakdown.find((r) => r.name === "Gatehouse on next start");
  const plain = breakdown.find((r) => r.name === "Gatehouse on bare node:http (no Next.js)");
  const nextLoad = breakdown.find((r) => r.name.startsWith("Gatehouse on next start,"));
  const plainLoad = breakdown.find((r) => r.name.startsWith("Gatehouse on bare node:http,"));
  const audit = get("step: audit insert");
  const upstream = get("step: upstream leg");
  const directRow = get("direct:");
  const n = (v: number | null | undefined) => (v == null ? "?" : v.toFixed(2));
  if (next && plain) {
    lines.push(
      `- Next.js routing: ${(next.stats.p50 - plain.stats.p50).toFixed(2)} ms at p50 end to end (1 agent); inside the server ${n(next.server?.p50)} ms on next start vs ${n(plain.server?.p50)} ms on bare node:http.` +
        (nextLoad && plainLoad
          ? ` Under load (${nextLoad.name.split(", ")[1]}): ${nextLoad.stats.throughput.toFixed(0)} vs ${plainLoad.stats.throughput.toFixed(0)} calls/s, server CPU ${n(nextLoad.server?.cpuMsPerRequest)} vs ${n(plainLoad.server?.cpuMsPerRequest)} ms per call.`
          : ""),
    );
  }
  if (plain?.server?.p50 != null && audit && upstream) {
    const rest = plain.server.p50 - audit.stats.p50 - upstream.stats.p50;
    lines.push(
      `- Inside the handler (bare node:http, ${plain.server.p50.toFixed(2)} ms at p50): audit insert ${audit.stats.p50.toFixed(2)} ms, upstream leg ${upstream.stats.p50.toFixed(2)} ms` +
        (directRow ? ` (the agent's own direct call: ${directRow.stats.p50.toFixed(2)} ms)` : "") +
        `, everything else (auth, policy, per-request MCP server, JSON-RPC and SSE framing) ${rest.toFixed(2)} ms.`,
    );
  }
  return lines;
}

export type RunInfo = { command: string; commit: string; started: Date; warmupS: number; durationS: number; rounds: number; listConcurrency: number; loadBefore: number; loadAfter: number };

/** The generated section of docs/benchmarks.md. */
export function renderDoc(input: { machine: Machine; run: RunInfo; table: string[][]; breakdown: BreakdownRow[]; rows: Row[] }): string {
  const { machine: m, run } = input;
  const out = [
    `## Results`,
    ``,
    `Generated by \`${run.command}\` at commit ${run.commit} on ${run.started.toISOString().slice(0, 16).replace("T", " ")} UTC: per cell, each path warmed up for ${run.warmupS} s, then measured for ${run.durationS} s ` +
      `in ${run.rounds} turns interleaved with the other paths; tools/list with ${run.listConcurrency} agent${run.listConcurrency === 1 ? "" : "s"}.`,
    ``,
    `Machine: ${m.cpus} CPUs (\`nproc\`), ${m.cpuModel}, ${m.memory} RAM, ${m.os}; Node ${m.node}; ${m.postgres} on the same machine; ` +
      Object.entries(m.packages).map(([p, v]) => `${p} ${v}`).join(", ") +
      `. Load generator, servers and Postgres share these ${m.cpus} CPUs; 1-minute load average ${run.loadBefore.toFixed(2)} before the run, ${run.loadAfter.toFixed(2)} after.`,
    ``,
    formatMarkdown(input.table),
    ``,
  ];
  if (input.breakdown.length) {
    out.push(`### Where the time goes`, ``, formatMarkdown(breakdownRows(input.breakdown), BREAKDOWN_HEADER), ``);
    out.push(...input.breakdown.map((r) => `- **${r.name.trim()}**: ${r.what}.`), ``);
  }
  const lines = verdict(input.rows, input.breakdown);
  if (lines.length) out.push(`### In short`, ``, ...lines, ``);
  return out.join("\n");
}

/** The commit measured, marked when the work tree had uncommitted changes. */
export function describeCommit(root: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return "unknown";
  }
}
