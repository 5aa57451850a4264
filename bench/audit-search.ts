// Audit search at scale: one tenant with a million audit events (plus other
// tenants' noise) in a throwaway Postgres database, and the queries an auditor
// runs, through the same lib functions the console and the API call. Prints
// p50/p95 per query and writes the section "Audit search" of docs/benchmarks.md.
//
//   npm run bench:audit [-- --events 1000000 --noise 200000 --runs 30]
//
// Creates the database `gatehouse_test_<random>` on --database-server and drops
// it at the end, also on an error or Ctrl-C.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { createThrowawayDatabase, type ThrowawayDatabase } from "@/test/database";
import { describeCommit, describeMachine } from "./support/report";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DOC = path.join(root, "docs/benchmarks.md");
const START = "<!-- bench:audit:start -->";
const END = "<!-- bench:audit:end -->";
const DAY = 24 * 3_600_000;

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    noise: { type: "string", default: "200000" },
    runs: { type: "string", default: "30" },
    "database-server": { type: "string" },
    "no-doc": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    database: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (args.help) {
  console.log(`npx tsx bench/audit-search.ts [options]
  --events N              audit events of the searched tenant (default 1000000)
  --noise N               events of two other tenants, together (default 200000)
  --runs N                measured runs per query, after two unmeasured ones (default 30)
  --database-server URL   Postgres server for the throwaway database
                          (default $BENCH_DATABASE_SERVER, $TEST_DATABASE_URL or postgres://root@127.0.0.1:5432/postgres)
  --no-doc                do not write docs/benchmarks.md
  --keep                  leave the database in place (its URL is printed), e.g. to EXPLAIN queries; drop it yourself
  --database URL          measure a database seeded and kept by an earlier run (--keep) instead of seeding one; it is kept`);
  process.exit(0);
}

const events = Number(args.events);
const noise = Number(args.noise);
const runs = Number(args.runs);
if (![events, noise, runs].every((n) => Number.isInteger(n) && n >= 0) || runs < 1 || events < 1000) {
  throw new Error("--events (at least 1000), --noise and --runs take whole numbers");
}

const log = (line: string) => process.stderr.write(`${line}\n`);

type Result = { name: string; what: string; rows: number; p50: number; p95: number; max: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function measure(name: string, what: string, fn: () => Promise<number>): Promise<Result> {
  let rows = 0;
  for (let i = 0; i < 2; i++) rows = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    rows = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const result = { name, what, rows, p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1]! };
  log(`[bench] ${name.padEnd(34)} p50 ${result.p50.toFixed(1).padStart(7)} ms  p95 ${result.p95.toFixed(1).padStart(7)} ms  (${rows} rows)`);
  return result;
}

let database: ThrowawayDatabase | undefined;
let dropping: Promise<void> | undefined;
const drop = () => (dropping ??= database && !args.keep ? database.drop().catch((e) => void log(`[bench] could not drop ${database!.url}: ${(e as Error).message}`)) : Promise.resolve());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`[bench] ${signal}: dropping the database`);
    void drop().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const serverUrl = args["database-server"] ?? process.env.BENCH_DATABASE_SERVER ?? process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/postgres";
  const loadBefore = os.loadavg()[0]!;
  const reused = args.database;
  database = reused ? { url: reused, drop: async () => undefined } : await createThrowawayDatabase(serverUrl);
  if (args.keep || reused) log(`[bench] database ${database.url} (kept)`);
  // lib/env reads these once, on first import: set before anything imports lib.
  process.env.DATABASE_URL = database.url;
  process.env.GATEHOUSE_ENCRYPTION_KEY ||= randomBytes(32).toString("base64");
  process.env.AUTH_SECRET ||= randomBytes(32).toString("hex");

  const { contextFor, createTestTenant } = await import("@/test/factories");
  const { seedAuditEvents } = await import("@/test/audit-bulk");
  const { getAuditEvent, listAuditEvents } = await import("@/lib/audit/queries");
  const { auditStats } = await import("@/lib/audit/stats");
  const { closeDatabase } = await import("@/db/client");

  const direct = new pg.Client({ connectionString: database.url });
  await direct.connect();
  try {
    const postgres = (await direct.query<{ server_version: string }>("show server_version")).rows[0]!.server_version;
    const machine = describeMachine(root, `PostgreSQL ${postgres}`);
    log(`[bench] ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory}, Node ${machine.node}, PostgreSQL ${postgres}`);

    // 1. Seed: the searched tenant and two noisy neighbours, interleaved in rounds over the last 30 days so their rows mix on disk as they would.
    let ctx: Awaited<ReturnType<typeof createTestTenant>>;
    let now = Date.now();
    const seedStarted = performance.now();
    if (reused) {
      // The tenant an earlier run seeded, and its owner; "now" is when that run seeded it.
      const { rows } = await direct.query(
        `select t.id, t.slug, t.name, u.id as user_id, u.email, u.name as user_name, (select max(occurred_at) from audit_events e where e.tenant_id = t.id) as last
         from tenants t join memberships m on m.tenant_id = t.id and m.role = 'owner' join users u on u.id = m.user_id where t.name = 'Searched'`,
      );
      const t = rows[0];
      if (!t) throw new Error(`${reused} holds no tenant named "Searched": seed it with --keep first`);
      ctx = contextFor({ id: t.user_id, email: t.email, name: t.user_name }, { id: t.id, slug: t.slug, name: t.name }, "owner");
      now = new Date(t.last).getTime();
    } else {
      ctx = await createTestTenant({ name: "Searched" });
    }
    const neighbours = reused ? [] : [await createTestTenant({ name: "Noise A" }), await createTestTenant({ name: "Noise B" })];
    const start = now - 30 * DAY;
    const rounds = reused ? 0 : 10;
    let written = 0;
    for (let r = 0; r < rounds; r++) {
      const from = new Date(start + (r * (now - start)) / rounds);
      const to = new Date(start + ((r + 1) * (now - start)) / rounds - 1);
      const share = (total: number) => Math.floor(total / rounds) + (r === rounds - 1 ? total % rounds : 0);
      await seedAuditEvents({ tenantId: ctx.tenant.id, count: share(events), from, to, seed: 1000 + r, batchSize: 5000 });
      for (const [i, n] of neighbours.entries()) await seedAuditEvents({ tenantId: n.tenant.id, count: share(Math.floor(noise / 2)), from, to, seed: 2000 + 10 * r + i });
      written += share(events) + neighbours.length * share(Math.floor(noise / 2));
      log(`[bench] seeded ${written.toLocaleString("en")} events (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)`);
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // What autovacuum would have done by the time anyone searches: statistics for the planner, a visibility map for index-only scans.
    const vacuumStarted = performance.now();
    await direct.query("vacuum analyze audit_events");
    const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
    const size = (await direct.query<{ table: string; indexes: string }>("select pg_size_pretty(pg_table_size('audit_events')) as table, pg_size_pretty(pg_indexes_size('audit_events')) as indexes")).rows[0]!;
    log(`[bench] seeded in ${seedSeconds.toFixed(0)} s, vacuum analyze ${vacuumSeconds.toFixed(0)} s; table ${size.table}, indexes ${size.indexes}`);

    // 2. What an auditor knows: an order id and an email from one call, an approval id, a person.
    const sample = async (where: string) =>
      (await direct.query(`select * from audit_events where tenant_id = $1 and seq between $2 and $2 + 2000 and ${where} order by seq limit 1`, [ctx.tenant.id, Math.floor(events * 0.6)])).rows[0] as Record<string, unknown>;
    const refund = await sample("tool = 'refund' and outcome = 'ok'");
    const orderId = (refund.arguments as { orderId: string }).orderId;
    const emailEvent = await sample("tool = 'lookup_customer' and outcome = 'ok' and arguments->>'email' like '%@%'");
    const email = (emailEvent.arguments as { email: string }).email;
    const held = await sample("approval_id is not null");
    const approvalId = held.approval_id as string;
    const eventId = refund.id as string;

    // 3. The queries.
    const page = async (query: Record<string, unknown>) => (await listAuditEvents(ctx, { limit: 50, ...query })).events.length;
    const iso = (t: number) => new Date(t).toISOString();
    const firstPage = await listAuditEvents(ctx, { limit: 50 });
    const results: Result[] = [];
    const q = async (name: string, what: string, fn: () => Promise<number>) => results.push(await measure(name, what, fn));
    await q("first page, no filter", "the newest 50 events", () => page({}));
    await q("second page (cursor)", "the next 50, by cursor", () => page({ cursor: firstPage.nextCursor }));
    await q("agent (busy)", "`agent=billing-agent` (~20 % of requests)", () => page({ agent: "billing-agent" }));
    await q("agent (rare)", "`agent=night-auditor` (~0.1 %)", () => page({ agent: "night-auditor" }));
    await q("tool", "`tool=refund`", () => page({ tool: "refund" }));
    await q("denied only", "`decision=denied` (~7 %)", () => page({ decision: "denied" }));
    await q("errors of one server", "`server=payments&outcome=error`", () => page({ server: "payments", outcome: "error" }));
    await q("latency ≥ 5 s", "`minLatencyMs=5000` (upstream timeouts, ~0.8 %)", () => page({ minLatencyMs: 5000 }));
    await q("free text, rare token", `\`q=${orderId}\` (an order id)`, () => page({ q: orderId }));
    await q("free text, email", "`q=<an email>`", () => page({ q: email }));
    await q("free text, common word", "`q=invoice` (in ~15 % of events)", () => page({ q: "invoice" }));
    await q("free text + agent + 7 days", "`q=refund&agent=support-bot`, a 7-day range", () => page({ q: "refund", agent: "support-bot", from: iso(now - 14 * DAY), to: iso(now - 7 * DAY) }));
    await q("7-day time range", "`from`/`to` a week, two weeks back", () => page({ from: iso(now - 14 * DAY), to: iso(now - 7 * DAY) }));
    await q("approval id", "`approval=apr_…`", () => page({ approval: approvalId }));
    await q("member", "`member=Dana Admin` (admin changes, decisions, sign-ins)", () => page({ member: "Dana Admin" }));
    await q("admin changes", "`kind=admin`", () => page({ kind: "admin" }));
    await q("event detail", "getAuditEvent: event, chain position, approval events", async () => ((await getAuditEvent(ctx, eventId)).event ? 1 : 0));
    await q("stats, 24 h", "auditStats, default range (48 buckets)", async () => (await auditStats(ctx)).totals.calls);
    await q("stats, 7 days", "auditStats over 7 days (56 buckets)", async () => (await auditStats(ctx, { from: iso(now - 7 * DAY) })).totals.calls);
    await q("stats, 30 days", "auditStats over 30 days (60 buckets)", async () => (await auditStats(ctx, { from: iso(now - 30 * DAY) })).totals.calls);

    const loadAfter = os.loadavg()[0]!;
    if (!args["no-doc"]) {
      writeDoc(
        [
          `Generated by \`npm run bench:audit\` at commit ${describeCommit(root)} on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${events.toLocaleString("en")} events in the searched tenant and ${noise.toLocaleString("en")} in two others, over 30 days; each query run ${runs} times after two unmeasured runs, through \`listAuditEvents\`, \`getAuditEvent\` and \`auditStats\` (one transaction each, row-level security scoped, as the console and API call them), 50 events per page.`,
          "",
          `Machine: ${machine.cpus} CPUs, ${machine.cpuModel}, ${machine.memory}; Node ${machine.node}; PostgreSQL ${postgres} on the same machine, default settings. Seeding took ${seedSeconds.toFixed(0)} s (${Math.round((events + noise) / seedSeconds).toLocaleString("en")} events/s, \`seedAuditEvents\`), \`vacuum analyze\` ${vacuumSeconds.toFixed(0)} s; the table is ${size.table} with ${size.indexes} of indexes. 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`,
          "",
          "| query | what | rows | p50 ms | p95 ms | max ms |",
          "| --- | --- | ---: | ---: | ---: | ---: |",
          ...results.map((r) => `| ${r.name} | ${r.what} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`),
          "",
          `Aim: under 300 ms at p95. ${results.filter((r) => r.p95 >= 300).length === 0 ? "Every query meets it." : `Over it: ${results.filter((r) => r.p95 >= 300).map((r) => `${r.name} (${r.p95.toFixed(0)} ms)`).join(", ")}.`}`,
        ].join("\n"),
      );
      log(`[bench] wrote ${path.relative(root, DOC)}`);
    }
  } finally {
    await direct.end();
    await closeDatabase();
  }
}

/** Replaces the generated part of the "Audit search" section (between its markers), keeping everything else. */
function writeDoc(body: string): void {
  const doc = fs.readFileSync(DOC, "utf8");
  const block = `${START}\n### Results\n\n${body}\n${END}`;
  if (!doc.includes(START)) throw new Error(`${DOC} has no ${START} marker`);
  fs.writeFileSync(DOC, doc.replace(new RegExp(`${START}[\\s\\S]*?${END}`), block));
}

main()
  .then(drop, async (e) => {
    log(`[bench] failed: ${(e as Error).stack ?? e}`);
    await drop();
    process.exitCode = 1;
  })
  .finally(() => process.exit());
