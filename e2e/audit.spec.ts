import { randomBytes, randomInt } from "node:crypto";
import fs from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Page } from "@playwright/test";
import pg from "pg";
import { seedAuditEvents } from "../test/audit-bulk";
import { startFixtureHttp, type FixtureHttp } from "../test/fixtures/upstream/server";
import { expect, expectJson, seedMember, seedTenant, signInInBrowser, test } from "./fixtures";
import { serverDatabaseUrl } from "./support/server-database";

// Issue 5's acceptance criterion: an auditor finds a specific call among a
// million by free text in the console, opens it, sees its decision, approval
// and redactions, exports the result, and verifies the chain; tampering done
// in SQL is reported at the right event.
//
// The call is real: a fixture upstream on 127.0.0.1 whose `echo` tool returns
// its arguments, a rule that holds it for one reviewer's approval, a real MCP
// client with an agent key. Its arguments carry a unique needle, an email, a
// Luhn-valid card number and a canary secret. The million events around it
// are seeded in SQL (test/audit-bulk.ts), continuing the tenant's hash chain.

const SEEDED = 1_000_000;
/** How long the held call waits for the reviewer; the reviewer answers within seconds. */
const APPROVAL_WAIT_SECONDS = 120;
const CARD = "4111 1111 1111 1111";
const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A Stripe-style live secret key nobody else has: the canary that must never be stored. */
function canarySecret(): string {
  return `sk_live_${Array.from(randomBytes(24), (b) => BASE62[b % 62]).join("")}`;
}

const textOf = (result: Awaited<ReturnType<Client["callTool"]>>) => ((result as CallToolResult).content ?? []).map((c) => (c.type === "text" ? c.text : "")).join("\n");

/** Phase timings, reported as annotations of the test (and on the console). */
function stopwatch() {
  const phases: [string, number][] = [];
  let last = performance.now();
  const started = last;
  return {
    lap(name: string) {
      const now = performance.now();
      phases.push([name, now - last]);
      last = now;
    },
    report() {
      const total = performance.now() - started;
      const lines = [...phases.map(([n, ms]) => `${n}: ${(ms / 1000).toFixed(1)} s`), `total: ${(total / 1000).toFixed(1)} s`];
      for (const line of lines) test.info().annotations.push({ type: "timing", description: line });
      console.log(`[audit e2e] ${lines.join(" · ")}`);
    },
  };
}


const integrity = (page: Page) => page.getByRole("region", { name: "Integrity" });

test.describe("audit log at scale", () => {
  // The test's budget is long for the seeding; a page that does not show what is awaited must still fail fast.
  test.use({ actionTimeout: 15_000, navigationTimeout: 60_000 });
  let upstream: FixtureHttp;

  test.beforeAll(async () => {
    upstream = await startFixtureHttp();
  });

  test.afterAll(async () => {
    await upstream?.close();
  });

  test("an auditor finds one call among a million by free text, sees its decision, approval and redactions, exports it, verifies the chain, and sees SQL tampering at the right event", async ({
    page,
    ownerApi,
    newApi,
    baseURL,
  }) => {
    const databaseUrl = serverDatabaseUrl();
    test.skip(databaseUrl === null, "Needs the app on PostgreSQL (run with TEST_DATABASE_URL): a million audit events are seeded in SQL, which the embedded PGlite cannot take.");
    test.setTimeout(20 * 60_000);
    const time = stopwatch();

    // As the database superuser, past the app role's grants and row-level security.
    const sql = new pg.Client({ connectionString: databaseUrl! });
    await sql.connect();
    const query = async (text: string, params?: unknown[]) => (await sql.query(text, params)).rows as Record<string, unknown>[];
    const client = new Client({ name: "billing-desk", version: "3.1.0" });

    try {
      // ── Setup over the admin API: tenant, upstream, a rule that holds echo for one reviewer, an agent and its key, a reviewer and an auditor.
      const tenant = await seedTenant(ownerApi, "Audited Ledger");
      const slug = tenant.slug;
      const api = `/api/v1/tenants/${slug}`;
      await expectJson(await ownerApi.patch(api, { data: { approvalWaitSeconds: APPROVAL_WAIT_SECONDS } }), 200);
      await expectJson(await ownerApi.post(`${api}/servers`, { data: { name: "ledger", transport: "streamable_http", url: upstream.url } }), 201);
      const rule = { server: "ledger", pattern: "echo", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 } };
      await expectJson(await ownerApi.put(`${api}/roles/ledger-ops`, { data: { description: "Ledger operators", rules: [rule] } }), 200);
      const { agent } = await expectJson<{ agent: { id: string } }>(await ownerApi.post(`${api}/agents`, { data: { name: "billing-agent", roles: ["ledger-ops"] } }), 201);
      const { secret: key } = await expectJson<{ secret: string }>(await ownerApi.post(`${api}/agents/${agent.id}/keys`, { data: { name: "e2e" } }), 201);
      const reviewer = await seedMember(ownerApi, slug, "reviewer");
      const auditor = await seedMember(ownerApi, slug, "auditor");
      time.lap("setup over the API");

      // ── A million events, continuing the tenant's chain (which already holds tenant.created and the setup's changes).
      const [before] = await query("select seq, hash from audit_chain_heads where tenant_id = $1", [tenant.id]);
      const existing = Number(before!.seq);
      expect(existing, "the tenant's setup is already in its chain").toBeGreaterThan(5);
      const seeded = await seedAuditEvents({ tenantId: tenant.id, count: SEEDED, query, seed: 5 });
      expect(seeded).toMatchObject({ count: SEEDED, firstSeq: existing + 1, lastSeq: existing + SEEDED });
      // The first seeded event links to the event the app wrote last: one chain, not a second one beside it.
      const [link] = await query("select prev_hash from audit_events where tenant_id = $1 and seq = $2", [tenant.id, existing + 1]);
      expect(link!.prev_hash).toBe(before!.hash);
      time.lap(`seeding ${SEEDED.toLocaleString("en")} events`);
      await query("analyze audit_events");
      time.lap("analyze");

      // ── The agent's call: held for approval, approved by the reviewer over the API, then answered by the upstream.
      const needle = `INV-${randomInt(100_000_000, 999_999_999)}`;
      const email = `payer-${randomBytes(4).toString("hex")}@example.test`;
      const canary = canarySecret();
      const args = { invoice: needle, customer: email, card: CARD, memo: `charge it with ${canary} today` };
      await client.connect(new StreamableHTTPClientTransport(new URL(`${baseURL}/t/${slug}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
      const progress: string[] = [];
      const call = client.callTool({ name: "ledger__echo", arguments: args }, undefined, {
        timeout: (APPROVAL_WAIT_SECONDS + 30) * 1000,
        onprogress: (p) => void progress.push(p.message ?? ""),
      });
      call.catch(() => {}); // awaited below

      const reviewerApi = await newApi({ email: reviewer.email, password: reviewer.password });
      type Pending = { id: string; status: string; tool: string; agentName: string; arguments: Record<string, unknown>; rule: { role: string; position: number } };
      let pending: Pending | undefined;
      await expect
        .poll(async () => {
          const { approvals } = await expectJson<{ approvals: Pending[] }>(await reviewerApi.get(`${api}/approvals`), 200);
          pending = approvals.find((a) => a.tool === "echo" && a.agentName === "billing-agent");
          return pending?.status;
        }, { message: "the call waits in the reviewer's approvals", timeout: 30_000 })
        .toBe("pending");
      const approvalId = pending!.id;
      await expect.poll(() => progress.join("\n"), { message: "the agent is told it waits for this approval" }).toContain(`Waiting for approval ${approvalId}`);
      // The reviewer sees the arguments redacted, never the canary.
      expect(JSON.stringify(pending!.arguments)).not.toContain(canary);
      expect(pending!.arguments.invoice).toBe(needle);
      expect(upstream.record.calls.filter((c) => c.name === "echo"), "nothing reaches the upstream before the approval").toEqual([]);
      await expectJson(await reviewerApi.post(`${api}/approvals/${approvalId}/decision`, { data: { decision: "approve", comment: "Invoice checked against the ledger" } }), 200);

      const result = await call;
      expect(result.isError ?? false, textOf(result)).toBe(false);
      // The agent's own result is the upstream's answer, untouched: needle, email, card and canary all there.
      expect(JSON.parse(textOf(result))).toEqual(args);
      expect(upstream.record.calls.filter((c) => c.name === "echo").map((c) => c.arguments)).toEqual([args]);
      const [callRow] = await query("select id, seq from audit_events where tenant_id = $1 and action = 'mcp.request' and approval_id = $2", [tenant.id, approvalId]);
      const callEventId = String(callRow!.id);
      const callSeq = Number(callRow!.seq);
      expect(callSeq, "the call comes after the seeded events in the chain").toBeGreaterThan(existing + SEEDED);
      time.lap("held call, approval, answer");

      // ── The auditor, in the browser: Audit, free text, the call among the results.
      const [{ n: total }] = (await query("select count(*)::int as n from audit_events where tenant_id = $1", [tenant.id])) as [{ n: number }];
      expect(total, "the search runs over a million events of this tenant").toBeGreaterThan(SEEDED);
      const [{ n: withNeedle }] = (await query("select count(*)::int as n from audit_events where tenant_id = $1 and search @@ websearch_to_tsquery('simple', $2)", [tenant.id, needle])) as [{ n: number }];

      await signInInBrowser(page, auditor.email, auditor.password);
      await page.goto(`/${slug}`);
      await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit", exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/${slug}/audit$`));
      const searchStarted = performance.now();
      await page.getByRole("searchbox", { name: "Search" }).fill(needle);
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`[?&]q=${needle}(&|$)`));
      const rows = page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody > tr[data-event]");
      // The call and the changes of its approval request that carry its arguments; nothing of the million seeded ones.
      await expect(rows).toHaveCount(withNeedle);
      const found = `${withNeedle} of ${total.toLocaleString("en")} events match ${needle}, shown in ${((performance.now() - searchStarted) / 1000).toFixed(2)} s`;
      test.info().annotations.push({ type: "search", description: found });
      console.log(`[audit e2e] ${found}`);
      expect(withNeedle).toBeGreaterThanOrEqual(2);
      expect(withNeedle).toBeLessThanOrEqual(5);
      const callRowInPage = rows.filter({ hasText: "tools/call" });
      await expect(callRowInPage).toHaveCount(1);
      await expect(callRowInPage).toHaveAttribute("data-event", callEventId);
      await expect(callRowInPage).toContainText("billing-agent");
      await expect(callRowInPage).toContainText("allowed");
      await expect(callRowInPage).toContainText("ledger-ops#1");
      await expect(rows.filter({ hasText: "approval.requested" })).toHaveCount(1);
      time.lap("sign-in and free-text search");

      // ── Its whole record: decision, approval, redactions; arguments as stored.
      await callRowInPage.locator(`a[href$="/audit/${callEventId}"]`).first().click();
      await expect(page).toHaveURL(new RegExp(`/${slug}/audit/${callEventId}$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("tools/call ledger · echo");
      const decision = page.getByRole("region", { name: "Decision" });
      await expect(decision.getByRole("definition").nth(0)).toHaveText("allowed");
      await expect(decision.getByRole("definition").nth(1)).toHaveText("ok");
      await expect(decision.getByRole("definition").nth(2)).toHaveText("ledger-ops#1");

      const approval = page.getByRole("region", { name: "Approval" });
      await expect(approval.getByRole("link", { name: approvalId, exact: true })).toHaveAttribute("href", `/${slug}/approvals/${approvalId}`);
      const approvalRows = approval.getByRole("table", { name: "Events of this approval request, oldest first" }).locator("tbody > tr");
      await expect(approvalRows.filter({ hasText: "approval.requested" })).toContainText("billing-agent");
      const approved = approvalRows.filter({ hasText: "approval.approved" });
      await expect(approved).toContainText(reviewer.name);
      await expect(approved).toContainText("allowed");
      await expect(approvalRows.filter({ hasText: "approval.consumed" })).toHaveCount(1);
      await expect(approvalRows.filter({ hasText: "(this event)" })).toContainText("tools/call echo");

      const payload = page.getByRole("region", { name: "Arguments and result" });
      const redactions = payload.getByRole("table", { name: "What was redacted, where and why" }).locator("tbody > tr");
      await expect(redactions.filter({ hasText: "pii:email" }).first()).toContainText("args.customer");
      await expect(redactions.filter({ hasText: "pii:card" }).first()).toContainText("args.card");
      await expect(redactions.filter({ hasText: "secret:stripe_key" }).first()).toContainText("args.memo");
      // The result echoes the arguments: it is redacted the same way.
      await expect(redactions.filter({ hasText: /^result/ }).filter({ hasText: "secret:stripe_key" })).not.toHaveCount(0);
      const storedArgs = page.getByLabel(`Arguments of event ${callEventId}`);
      await expect(storedArgs).toContainText(needle);
      await expect(storedArgs).toContainText("[REDACTED:pii:email]");
      await expect(storedArgs).toContainText("[REDACTED:pii:card]");
      await expect(storedArgs).toContainText("[REDACTED:secret:stripe_key]");
      await expect(page.getByLabel(`Result of event ${callEventId}`)).toContainText(needle);
      const detailHtml = await page.content();
      for (const secret of [canary, email, CARD]) expect(detailHtml, "the detail page shows no raw secret or PII").not.toContain(secret);
      // Its place in the chain, after the million seeded events.
      await expect(page.getByRole("region", { name: "Place in the chain" })).toContainText(`Event ${callSeq.toLocaleString("en")} of `);
      time.lap("event detail");

      // ── Export the search's result as JSON Lines from the page's export menu.
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`[?&]q=${needle}(&|$)`));
      const downloading = page.waitForEvent("download");
      await page.getByRole("group", { name: "Export the matching events" }).getByRole("link", { name: "JSON Lines" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(new RegExp(`^gatehouse-audit-${slug}-.*\\.jsonl$`));
      const file = fs.readFileSync((await download.path())!, "utf8");
      const lines = file.split("\n").filter((l) => l !== "");
      expect(lines).toHaveLength(withNeedle);
      const exported = lines.map((l) => JSON.parse(l) as { id: string; seq: number; hash: string; approvalId: string | null });
      for (const line of lines) expect(line).toContain(needle);
      expect(exported.map((e) => e.id)).toContain(callEventId);
      for (const e of exported) expect(e.approvalId).toBe(approvalId);
      for (const secret of [canary, email, CARD, CARD.replaceAll(" ", "")]) expect(file, "the export holds no raw secret or PII").not.toContain(secret);
      time.lap("export");

      // The canary is in no table at all (the agent's own result aside, it went nowhere).
      const tables = (await query("select tablename from pg_tables where schemaname = 'public' order by tablename")).map((r) => String(r.tablename));
      expect(tables).toContain("audit_events");
      const holding: string[] = [];
      for (const table of tables) {
        const [{ n }] = (await query(`select count(*)::int as n from "${table}" t where t::text like $1`, [`%${canary}%`])) as [{ n: number }];
        if (n > 0) holding.push(`${table} (${n})`);
      }
      expect(holding, "tables holding the canary").toEqual([]);
      // (The same scan does find what is there: the needle, in the audit log.)
      const [{ n: needleRows }] = (await query(`select count(*)::int as n from audit_events t where t::text like $1`, [`%${needle}%`])) as [{ n: number }];
      expect(needleRows).toBeGreaterThanOrEqual(withNeedle);
      time.lap("canary scan of every table");

      // ── Verify the chain: it holds, every event counted.
      const [headBefore] = await query("select seq from audit_chain_heads where tenant_id = $1", [tenant.id]);
      await integrity(page).getByRole("button", { name: "Verify the chain" }).click();
      const holds = integrity(page).getByRole("status").filter({ hasText: "The chain holds" });
      await expect(holds).toBeVisible({ timeout: 10 * 60_000 });
      const checked = Number(/The chain holds: (\d+) events checked/.exec((await holds.textContent()) ?? "")?.[1]);
      const [headAfter] = await query("select seq from audit_chain_heads where tenant_id = $1", [tenant.id]);
      expect(checked).toBeGreaterThanOrEqual(Number(headBefore!.seq));
      expect(checked).toBeLessThanOrEqual(Number(headAfter!.seq));
      expect(checked).toBeGreaterThan(SEEDED);
      time.lap("verify (holds)");

      // ── Tamper in SQL, as a superuser: one seeded event about the 500,000th of the chain gets other arguments.
      const tamperedSeq = existing + SEEDED / 2;
      const [tampered] = await query(
        `update audit_events set arguments = coalesce(arguments, '{}'::jsonb) || '{"tampered": "by hand"}'::jsonb where tenant_id = $1 and seq = $2 returning id`,
        [tenant.id, tamperedSeq],
      );
      expect(tampered?.id, `event ${tamperedSeq} exists`).toBeTruthy();
      await page.reload();
      await integrity(page).getByRole("button", { name: "Verify the chain" }).click();
      const broken = integrity(page).getByRole("alert");
      await expect(broken).toBeVisible({ timeout: 10 * 60_000 });
      await expect(broken).toContainText(`The chain is broken at event ${tamperedSeq} (${tampered!.id as string})`);
      await expect(broken).toContainText("its content does not match its content hash");
      await expect(broken).toContainText(`The ${tamperedSeq - 1} events before it hold.`);
      await expect(integrity(page).getByRole("status").filter({ hasText: "The chain holds" })).toHaveCount(0);
      time.lap("verify (broken)");

      // ── A second, smaller tenant: an event deleted in SQL is reported as missing at its place (over the API, as its owner).
      const small = await seedTenant(ownerApi, "Small Ledger");
      for (const name of ["a-bot", "b-bot", "c-bot"]) await expectJson(await ownerApi.post(`/api/v1/tenants/${small.slug}/agents`, { data: { name } }), 201);
      const verifySmall = async () => (await expectJson<{ report: { ok: boolean; checked: number; brokenAt: { seq: number; eventId: string | null; problem: string } | null } }>(await ownerApi.post(`/api/v1/tenants/${small.slug}/audit-events/verify`, { data: {} }), 200)).report;
      const whole = await verifySmall();
      expect(whole).toMatchObject({ ok: true, brokenAt: null });
      expect(whole.checked).toBeGreaterThanOrEqual(4);
      const [deleted] = await query("delete from audit_events where tenant_id = $1 and seq = 2 returning id", [small.id]);
      expect(deleted?.id).toBeTruthy();
      expect(await verifySmall()).toMatchObject({ ok: false, brokenAt: { seq: 2, eventId: null, problem: "event 2 is missing (the next one stored is 3)" } });
      time.lap("small tenant: deletion");
    } finally {
      time.report();
      await client.close().catch(() => {});
      await sql.end();
    }
  });
});
