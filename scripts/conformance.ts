// Runs the official MCP conformance suite (server scenarios) and prints a markdown
// table of scenario → result per target: `npx tsx scripts/conformance.ts [options]`
//   --suite all|active          scenarios to run (default all: active + pending)
//   --fixture-port N            port of the fixture with sessions (default: any free port)
//   --stateless-port N          port of the stateless fixture (default: any free port)
//   --gateway-url URL           run through this running Gatehouse, e.g. http://127.0.0.1:3000/t/acme/mcp
//                               (key from GATEHOUSE_AGENT_KEY or --gateway-key); without it, Gatehouse is
//                               started in front of the fixture on a throwaway database on the Postgres
//                               server of TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test)
//   --verbose                   echo the suite's own output
// The suite cannot send custom headers, so the gateway run goes through a local
// forwarding proxy that adds `Authorization: Bearer <agent key>`.
// Exits 1 if the fixture with sessions fails a scenario, or one it passes fails through Gatehouse.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startFixtureHttp } from "@/test/fixtures/upstream/server";
import { startGatehouseInFront } from "./conformance-gateway";

const CONFORMANCE_PACKAGE = "@modelcontextprotocol/conformance@0.1.16";
/** Scenarios 0.1.16 keeps out of its default ("active") suite. */
const PENDING_SCENARIOS = new Set(["json-schema-2020-12", "server-sse-polling"]);
const SUITE_TIMEOUT_MS = 10 * 60_000;

export type ScenarioStatus = "pass" | "warn" | "fail";

export interface ScenarioResult {
  scenario: string;
  status: ScenarioStatus;
  passed: number;
  failed: number;
  warnings: number;
  /** The first failing (else warning) check's message. */
  problem?: string;
}

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
  description?: string;
}

function summarise(scenario: string, checks: Check[]): ScenarioResult {
  const count = (status: Check["status"]) => checks.filter((check) => check.status === status).length;
  const failed = count("FAILURE");
  const warnings = count("WARNING");
  const worst = checks.find((check) => check.status === "FAILURE") ?? checks.find((check) => check.status === "WARNING");
  return {
    scenario,
    status: failed > 0 ? "fail" : warnings > 0 ? "warn" : "pass",
    passed: count("SUCCESS"),
    failed,
    warnings,
    problem: worst ? `${worst.id}: ${worst.errorMessage ?? worst.description ?? ""}` : undefined,
  };
}

/**
 * Runs the suite against one MCP endpoint in a throwaway directory (Node 22,
 * which the suite needs, comes from the npm package `node@22`) and returns each
 * scenario's result, read from its `server-<scenario>-<timestamp>/checks.json`.
 */
export async function runSuite(
  url: string,
  label: string,
  options: { suite?: string; verbose?: boolean } = {},
): Promise<Map<string, ScenarioResult>> {
  const workDir = await mkdtemp(path.join(tmpdir(), "gatehouse-conformance-"));
  const resultsDir = path.join(workDir, "results");
  try {
    const args = ["-y", "-p", "node@22", "-p", CONFORMANCE_PACKAGE, "conformance", "server"];
    args.push("--url", url, "--suite", options.suite ?? "all", "--output-dir", resultsDir);
    console.error(`Running ${CONFORMANCE_PACKAGE} against ${label} (${url}) …`);
    const output = await run("npx", args, workDir, options.verbose ?? false);

    const results = new Map<string, ScenarioResult>();
    const entries = await readdir(resultsDir).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry)?.[1];
      if (!scenario) continue;
      const checks = JSON.parse(await readFile(path.join(resultsDir, entry, "checks.json"), "utf8")) as Check[];
      results.set(scenario, summarise(scenario, checks));
    }
    if (results.size === 0) throw new Error(`The suite produced no results for ${label}:\n${output.slice(-4000)}`);
    return results;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string, echo: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (echo) process.stderr.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGTERM"), SUITE_TIMEOUT_MS);
    child.on("error", reject);
    // The suite exits 1 when any scenario fails; the results directory says which.
    child.on("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

/**
 * A local proxy that forwards everything to `target` with extra headers. Host
 * and Origin naming the proxy itself are rewritten to the target; any other
 * value passes through, so DNS-rebinding checks still test the target.
 */
async function startHeaderProxy(target: URL, extraHeaders: Record<string, string>) {
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  let ownHost = "";
  const server = createServer((req, res) => {
    const headers: IncomingHttpHeaders = { ...req.headers, ...extraHeaders };
    if (req.headers.host === ownHost) headers.host = target.host;
    if (req.headers.origin === `http://${ownHost}`) headers.origin = target.origin;
    const forwarded = send(target, { method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on("error", (error) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: ${error.message}`);
    });
    res.on("close", () => forwarded.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  ownHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${ownHost}${target.pathname}${target.search}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CELL: Record<ScenarioStatus, string> = { pass: "pass", warn: "warn", fail: "**FAIL**" };

export function markdownTable(runs: Array<{ label: string; results: Map<string, ScenarioResult> }>): string {
  const scenarios = [...new Set(runs.flatMap((entry) => [...entry.results.keys()]))];
  const lines = [
    `| scenario | ${runs.map((entry) => entry.label).join(" | ")} |`,
    `| --- | ${runs.map(() => "---").join(" | ")} |`,
    ...scenarios.map((scenario) => {
      const name = PENDING_SCENARIOS.has(scenario) ? `${scenario} (pending)` : scenario;
      const cells = runs.map((entry) => {
        const result = entry.results.get(scenario);
        return result ? CELL[result.status] : "–";
      });
      return `| ${name} | ${cells.join(" | ")} |`;
    }),
  ];
  const problems = runs.flatMap((entry) =>
    [...entry.results.values()]
      .filter((result) => result.status !== "pass")
      .map((result) => `- ${result.scenario} (${entry.label}, ${result.status}): ${result.problem ?? ""}`),
  );
  return [...lines, ...(problems.length > 0 ? ["", ...problems] : [])].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: "string", default: "all" },
      "fixture-port": { type: "string", default: "0" },
      "stateless-port": { type: "string", default: "0" },
      "gateway-url": { type: "string" },
      "gateway-key": { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  const options = { suite: values.suite, verbose: values.verbose };
  const withSessions = await startFixtureHttp({ port: Number(values["fixture-port"]), sessions: true });
  const stateless = await startFixtureHttp({ port: Number(values["stateless-port"]) });
  const closers = [() => withSessions.close(), () => stateless.close()];
  try {
    console.error(`fixture with sessions at ${withSessions.url}; stateless fixture at ${stateless.url}`);
    const runs = [
      { label: "fixture (sessions)", results: await runSuite(withSessions.url, "fixture (sessions)", options) },
      { label: "fixture (stateless)", results: await runSuite(stateless.url, "fixture (stateless)", options) },
    ];
    let gatewayUrl = values["gateway-url"];
    let key = values["gateway-key"] ?? process.env.GATEHOUSE_AGENT_KEY;
    if (!gatewayUrl) {
      // No running Gatehouse given: put one in front of the fixture with sessions.
      const gatehouse = await startGatehouseInFront(withSessions.url);
      closers.push(gatehouse.close);
      gatewayUrl = gatehouse.url;
      key = gatehouse.key;
    }
    if (!key) throw new Error("--gateway-url needs an agent key: set GATEHOUSE_AGENT_KEY or pass --gateway-key");
    const proxy = await startHeaderProxy(new URL(gatewayUrl), { authorization: `Bearer ${key}` });
    closers.push(proxy.close);
    runs.push({ label: "fixture through Gatehouse", results: await runSuite(proxy.url, "gateway", options) });
    console.log(markdownTable(runs));
    // The target: every scenario that passes directly also passes through Gatehouse.
    const direct = runs[0]!.results;
    const gateway = runs.at(-1)!.results;
    const regressions = [...direct].filter(([scenario, r]) => r.status === "pass" && gateway.get(scenario)?.status !== "pass").map(([s]) => s);
    if (regressions.length) console.error(`Pass directly but not through Gatehouse: ${regressions.join(", ")}`);
    const directFailures = [...direct.values()].some((result) => result.status === "fail");
    return directFailures || regressions.length ? 1 : 0;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
