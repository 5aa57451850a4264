import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { policyTools } from "../test/fixtures/upstream/policy-tools";
import { startFixtureHttp, type FixtureHttp } from "../test/fixtures/upstream/server";
import { stringArg, text, tool } from "../test/fixtures/upstream/tool-kit";
import { expect, expectJson, seedMember, seedTenant, signInViaApi, test } from "./fixtures";

// Issue 4's acceptance criterion: the four example policies of the README are
// written in the console's role editor, simulated there, and enforced end to
// end for a real MCP client, with decisions and approvals in the audit log.
//   1. support may call db__query only when args.table != 'financials'
//   2. jira__delete_project always needs approval
//   3. payments__refund: one approval above 100, two above 1,000, denied above 10,000
//   4. only on weekdays 08:00–18:00 Europe/Berlin
// Three fixture upstreams on 127.0.0.1 (allowed by e2e/serve.ts) play db, jira
// and payments. An admin writes the rules; the owner issues the agents' keys,
// so the reviewer who approves is never the key's creator.

const REFUND_LIMIT_MESSAGE = "Refunds above 10,000 go through the finance team.";
const OFFICE_HOURS_MESSAGE = "Tools are open on weekdays 08:00–18:00 Berlin time.";
const OFFICE_HOURS = "!(request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && request.time.getHours('Europe/Berlin') >= 8 && request.time.getHours('Europe/Berlin') < 18)";
/** The agent's call waits this long for a reviewer while the reviewer approves in the browser. */
const LIVE_WAIT_SECONDS = 60;

type RuleSpec = {
  server: string;
  pattern: string;
  effect: "allow" | "deny" | "require_approval";
  condition?: string;
  message?: string;
  approval?: { approvals: 1 | 2; expiry: string };
};

/** Policies 1–3 as rules of the role "support" (the README's table, in its order). */
const SUPPORT_RULES: RuleSpec[] = [
  { server: "db", pattern: "query", effect: "allow", condition: "args.table != 'financials'" },
  { server: "jira", pattern: "delete_project", effect: "require_approval", approval: { approvals: 1, expiry: "1 hour" } },
  { server: "payments", pattern: "refund", effect: "deny", condition: "args.amount > 10000", message: REFUND_LIMIT_MESSAGE },
  { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 1000", approval: { approvals: 2, expiry: "1 hour" } },
  { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 100", approval: { approvals: 1, expiry: "1 hour" } },
  { server: "payments", pattern: "refund", effect: "allow" },
];

/** Policy 4 as the only rule of the role "office-hours". */
const OFFICE_HOURS_RULES: RuleSpec[] = [{ server: "*", pattern: "*", effect: "deny", condition: OFFICE_HOURS, message: OFFICE_HOURS_MESSAGE }];

/** Whether `at` falls in Berlin office hours, computed here independently of the gateway. */
function inBerlinOfficeHours(at: Date): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", weekday: "short", hour: "numeric", hourCycle: "h23" }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return !["Sat", "Sun"].includes(parts.weekday!) && Number(parts.hour) >= 8 && Number(parts.hour) < 18;
}

// ── Console helpers

const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name, exact: true });
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

async function createRole(page: Page, slug: string, name: string, description: string) {
  await page.goto(`/${slug}`);
  await nav(page, "Roles").click();
  await field(page, "Role name").fill(name);
  await field(page, "Description").fill(description);
  await page.getByRole("button", { name: "Create role" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/roles/${name}\\?created=1$`));
}

/** Adds rule `n` with "Add rule" and fills its row the way a person does; conditions must type-check as typed. */
async function addRule(page: Page, n: number, rule: RuleSpec) {
  await page.getByRole("button", { name: "Add rule" }).click();
  await field(page, `Rule ${n} server`).selectOption(rule.server);
  await field(page, `Rule ${n} pattern`).fill(rule.pattern);
  await field(page, `Rule ${n} effect`).selectOption(rule.effect);
  if (rule.condition) {
    await field(page, `Rule ${n} condition`).fill(rule.condition);
    await expect(page.locator(`tr[data-rule-details="${n}"]`).getByText("Type-checks.")).toBeVisible();
  }
  if (rule.message) await field(page, `Rule ${n} deny message`).fill(rule.message);
  if (rule.approval) {
    await field(page, `Rule ${n} approver role`).selectOption("reviewer");
    await field(page, `Rule ${n} number of approvals`).selectOption(String(rule.approval.approvals));
    await field(page, `Rule ${n} approval expiry`).selectOption({ label: rule.approval.expiry });
  }
}

async function writeRules(page: Page, rules: RuleSpec[]) {
  for (const [i, rule] of rules.entries()) await addRule(page, i + 1, rule);
  await expect(page.getByText("Unsaved changes")).toBeVisible();
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText("Rules saved.")).toBeVisible();
}

type SimulatedCall = { agent: string; tool: string; args: Record<string, unknown>; time?: string; zone?: string };

/** Fills "Test a call" and runs it; the caller asserts on the result, starting with its "Decided by" line (which differs from the previous result). */
async function simulate(page: Page, call: SimulatedCall): Promise<Locator> {
  const form = page.getByRole("form", { name: "Test a call" });
  await form.getByLabel("Calling agent").selectOption({ label: call.agent });
  await form.getByLabel("Tool to call").selectOption(call.tool);
  await form.getByLabel("Arguments (JSON)").fill(JSON.stringify(call.args));
  await form.getByLabel("Call time").fill(call.time ?? "");
  if (call.zone) await form.getByLabel("Time zone").fill(call.zone);
  await form.getByRole("button", { name: "Simulate" }).click();
  return page.getByTestId("simulation-result");
}

/** The audit log filtered the way a person does it, in the filter form. */
async function filterAudit(page: Page, slug: string, filters: { agent?: string; tool?: string; approval?: string }): Promise<Locator> {
  await page.goto(`/${slug}/audit`);
  if (filters.agent) await field(page, "Agent").fill(filters.agent);
  if (filters.tool) await field(page, "Tool").fill(filters.tool);
  if (filters.approval) await field(page, "Approval").fill(filters.approval);
  await page.getByRole("button", { name: "Apply filters" }).click();
  for (const value of Object.values(filters)) await expect(page).toHaveURL(new RegExp(`[?&]\\w+=${value}(&|$)`));
  return page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody > tr[data-event]");
}

/** Opens an audit row's details (rule, reason, arguments, approval). */
async function detailsOf(page: Page, row: Locator): Promise<Locator> {
  await row.getByRole("button", { name: "Details" }).click();
  const detail = page.locator(`#event-${await row.getAttribute("data-event")}`);
  await expect(detail).toBeVisible();
  return detail;
}

// ── Agent helpers

async function issueKey(ownerApi: APIRequestContext, slug: string, agentId: string): Promise<string> {
  const { secret } = await expectJson<{ secret: string }>(await ownerApi.post(`/api/v1/tenants/${slug}/agents/${agentId}/keys`, { data: { name: "e2e" } }), 201);
  return secret;
}

async function connect(endpoint: string, key: string): Promise<Client> {
  const client = new Client({ name: "support-desk", version: "2.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return client;
}

const textOf = (result: Awaited<ReturnType<Client["callTool"]>>) => ((result as CallToolResult).content ?? []).map((c) => (c.type === "text" ? c.text : "")).join("\n");

async function callOk(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError ?? false, `${name} ${JSON.stringify(args)}: ${textOf(result)}`).toBe(false);
  return textOf(result);
}

async function callRefused(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, `${name} ${JSON.stringify(args)} is refused with a tool error`).toBe(true);
  return textOf(result);
}

/** Starts a call a rule holds for approval; the progress messages name the approval request. */
function callHeld(client: Client, name: string, args: Record<string, unknown>) {
  const progress: string[] = [];
  const result = client.callTool({ name, arguments: args }, undefined, {
    timeout: (LIVE_WAIT_SECONDS + 30) * 1000,
    onprogress: (p) => void progress.push(p.message ?? ""),
  });
  result.catch(() => {}); // awaited later
  const approvalId = async () => {
    await expect.poll(() => progress.join("\n"), { message: `${name} is held for approval` }).toMatch(/Waiting for approval apr_\w+/);
    return /apr_\w+/.exec(progress.join("\n"))![0];
  };
  return { result, approvalId };
}

const approvalIdIn = (message: string) => {
  const id = /apr_\w+/.exec(message)?.[0];
  expect(id, `an approval id in: ${message}`).toBeTruthy();
  return id!;
};

test.describe("example policies", () => {
  test.describe.configure({ timeout: 240_000 });
  const upstreams: FixtureHttp[] = [];
  let db: FixtureHttp;
  let jira: FixtureHttp;
  let payments: FixtureHttp;

  test.beforeAll(async () => {
    const only = (name: string) => policyTools().filter((t) => t.definition.name === name);
    const deleteProject = tool("delete_project", "Deletes a Jira project and every issue in it", async (args) => text(`deleted project ${stringArg(args, "project")}`), {
      inputSchema: { type: "object", properties: { project: { type: "string" } }, required: ["project"] },
      annotations: { destructiveHint: true },
    });
    db = await startFixtureHttp({ extraTools: only("query") });
    jira = await startFixtureHttp({ extraTools: [deleteProject] });
    payments = await startFixtureHttp({ extraTools: only("refund") });
    upstreams.push(db, jira, payments);
  });

  test.afterAll(async () => {
    await Promise.all(upstreams.map((u) => u.close()));
  });

  test("the four example policies are written in the console, simulated, enforced for a real MCP client, and audited", async ({
    page,
    context,
    browser,
    ownerApi,
    baseURL,
  }) => {
    // ── Seed over the admin API: tenant, people, the three upstreams, two agents without roles yet.
    const tenant = await seedTenant(ownerApi);
    const slug = tenant.slug;
    const api = `/api/v1/tenants/${slug}`;
    const endpoint = `${baseURL}/t/${slug}/mcp`;
    const admin = await seedMember(ownerApi, slug, "admin");
    const reviewer = await seedMember(ownerApi, slug, "reviewer");
    await expectJson(await ownerApi.patch(api, { data: { approvalWaitSeconds: LIVE_WAIT_SECONDS } }), 200);
    for (const [name, upstream] of [["db", db], ["jira", jira], ["payments", payments]] as const) {
      await expectJson(await ownerApi.post(`${api}/servers`, { data: { name, transport: "streamable_http", url: upstream.url } }), 201);
    }
    const agentIds: Record<string, string> = {};
    for (const name of ["support-bot", "office-bot"]) {
      const { agent } = await expectJson<{ agent: { id: string } }>(await ownerApi.post(`${api}/agents`, { data: { name } }), 201);
      agentIds[name] = agent.id;
    }
    await signInViaApi(context.request, admin.email, admin.password);

    await test.step("an admin writes policies 1–3 as the role support, and policy 4 as the role office-hours", async () => {
      await createRole(page, slug, "support", "What the support agent may do");
      await writeRules(page, SUPPORT_RULES);
      // Saved as typed: a reload shows the rules from the database.
      await page.reload();
      await expect(field(page, "Rule 1 condition")).toHaveValue("args.table != 'financials'");
      await expect(field(page, "Rule 2 effect")).toHaveValue("require_approval");
      await expect(field(page, "Rule 3 deny message")).toHaveValue(REFUND_LIMIT_MESSAGE);
      await expect(field(page, "Rule 4 number of approvals")).toHaveValue("2");
      await expect(field(page, "Rule 5 condition")).toHaveValue("args.amount > 100");
      await expect(field(page, "Rule 6 effect")).toHaveValue("allow");
      await expect(field(page, "Rule 7 effect")).toHaveCount(0);

      await createRole(page, slug, "office-hours", "Nothing outside Berlin office hours");
      await writeRules(page, OFFICE_HOURS_RULES);
      await page.reload();
      await expect(field(page, "Rule 1 condition")).toHaveValue(OFFICE_HOURS);
      await expect(field(page, "Rule 1 server")).toHaveValue("*");

      await nav(page, "Roles").click();
      await expect(page.locator('tr[data-role="support"]')).toContainText(/6\s*\(2 allow, 1 deny, 3 approval\)/);
      await expect(page.locator('tr[data-role="office-hours"]')).toContainText(/1\s*\(1 deny\)/);
    });

    await test.step("the admin gives support to both agents, and office-hours to office-bot only", async () => {
      for (const [name, roles] of [["support-bot", ["support"]], ["office-bot", ["support", "office-hours"]]] as const) {
        await page.goto(`/${slug}/agents/${agentIds[name]}`);
        for (const role of roles) await page.getByRole("checkbox", { name: new RegExp(`^${role}`) }).check();
        await page.getByRole("button", { name: "Save agent" }).click();
        await expect(page.getByRole("main").getByText("Saved.", { exact: true })).toBeVisible();
      }
      await nav(page, "Roles").click();
      await expect(page.locator('tr[data-role="support"]')).toContainText("support-bot");
      await expect(page.locator('tr[data-role="support"]')).toContainText("office-bot");
      await expect(page.locator('tr[data-role="office-hours"]')).toContainText("office-bot");
      await expect(page.locator('tr[data-role="office-hours"]')).not.toContainText("support-bot");
    });

    await test.step("the simulator decides refunds, queries and call times as the policies say", async () => {
      await page.goto(`/${slug}/roles/support`);
      let result = await simulate(page, { agent: "support-bot", tool: "payments__refund", args: { amount: 500 } });
      await expect(result).toContainText("Decided by support#5");
      await expect(result).toContainText(/Decision:\s*require approval\s*1 approval by reviewer or above/);
      await expect(result.locator('tr[data-trace-rule="support#5"]')).toContainText("decided");
      await expect(result.locator('tr[data-trace-rule="support#4"]')).toContainText("false");

      result = await simulate(page, { agent: "support-bot", tool: "payments__refund", args: { amount: 5000 } });
      await expect(result).toContainText("Decided by support#4");
      await expect(result).toContainText(/Decision:\s*require approval\s*2 approvals by reviewer or above/);

      result = await simulate(page, { agent: "support-bot", tool: "payments__refund", args: { amount: 50000 } });
      await expect(result).toContainText("Decided by support#3");
      await expect(result).toContainText(/Decision:\s*deny/);
      await expect(result).toContainText(`The agent is told: ${REFUND_LIMIT_MESSAGE}`);

      result = await simulate(page, { agent: "support-bot", tool: "db__query", args: { table: "financials" } });
      await expect(result).toContainText("Decided by no rule: no rule allows it (deny by default)");
      await expect(result).toContainText(/Decision:\s*deny/);
      await expect(result.locator('tr[data-trace-rule="support#1"]')).toContainText("false");

      result = await simulate(page, { agent: "support-bot", tool: "db__query", args: { table: "customers" } });
      await expect(result).toContainText("Decided by support#1");
      await expect(result).toContainText(/Decision:\s*allow/);

      // Policy 4, for the agent holding both roles: a Saturday and a Tuesday, 10:00 in Berlin (09:00 UTC in March).
      await page.goto(`/${slug}/roles/office-hours`);
      const saturday = { agent: "office-bot", tool: "db__query", args: { table: "customers" }, time: "2026-03-07T10:00", zone: "Europe/Berlin" };
      result = await simulate(page, saturday);
      await expect(result).toContainText("Decided by office-hours#1");
      await expect(result).toContainText(/Decision:\s*deny/);
      await expect(result).toContainText(`The agent is told: ${OFFICE_HOURS_MESSAGE}`);
      await expect(result).toContainText("at 2026-03-07T09:00:00.000Z");

      result = await simulate(page, { ...saturday, time: "2026-03-10T10:00" });
      await expect(result).toContainText("Decided by support#1");
      await expect(result).toContainText(/Decision:\s*allow/);
      await expect(result).toContainText("at 2026-03-10T09:00:00.000Z");
      await expect(result.locator('tr[data-trace-rule="office-hours#1"]')).toContainText("false");
    });

    // The owner issues the keys: the reviewer below did not create them.
    const supportKey = await issueKey(ownerApi, slug, agentIds["support-bot"]!);
    const officeKey = await issueKey(ownerApi, slug, agentIds["office-bot"]!);
    const reviewerContext = await browser.newContext({ baseURL });
    const inbox = await reviewerContext.newPage();
    await signInViaApi(reviewerContext.request, reviewer.email, reviewer.password);
    const client = await connect(endpoint, supportKey);
    const approvals: Record<"refund500" | "deleteProject" | "refund5000", string> = { refund500: "", deleteProject: "", refund5000: "" };

    try {
      await test.step("a real MCP client gets what the policies allow, and tool errors for what they deny", async () => {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(["db__query", "jira__delete_project", "payments__refund"]));
        expect(names).not.toContain("db__echo"); // no rule lets other upstream tools through

        expect(await callOk(client, "db__query", { table: "customers" })).toBe("rows of customers");
        expect(await callRefused(client, "db__query", { table: "financials" })).toContain("your access roles do not allow it with these arguments");
        expect(await callOk(client, "payments__refund", { amount: 50 })).toBe("refunded 50");
        expect(await callRefused(client, "payments__refund", { amount: 50000 })).toBe(`Gatehouse denied this call: ${REFUND_LIMIT_MESSAGE}`);
        expect(db.record.calls.filter((c) => c.name === "query").map((c) => c.arguments)).toEqual([{ table: "customers" }]);
        expect(payments.record.calls.filter((c) => c.name === "refund").map((c) => c.arguments)).toEqual([{ amount: 50 }]);
      });

      await test.step("a refund of 500 waits for a reviewer, who approves it in the Approvals inbox; the call then runs", async () => {
        const held = callHeld(client, "payments__refund", { amount: 500 });
        approvals.refund500 = await held.approvalId();

        await inbox.goto(`/${slug}`);
        await inbox.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Approvals (1 waiting)" }).click();
        const card = inbox.locator(`article[data-approval="${approvals.refund500}"]`);
        await expect(card.getByRole("heading", { name: "payments__refund" })).toBeVisible();
        await expect(card).toContainText("support-bot");
        await expect(card.getByLabel("Arguments of payments__refund")).toContainText('"amount": 500');
        await expect(card.getByRole("link", { name: "support#5" })).toBeVisible();
        await expect(card).toContainText("0 of 1");
        await card.getByLabel("Comment", { exact: true }).fill("Customer verified by phone");
        await card.getByRole("button", { name: "Approve payments__refund" }).click();

        const result = await held.result;
        expect(result.isError ?? false, textOf(result)).toBe(false);
        expect(textOf(result)).toBe("refunded 500");
        await expect(inbox.getByRole("main").getByText("You approved payments__refund for support-bot.")).toBeVisible();
        expect(payments.record.calls.filter((c) => c.name === "refund").map((c) => c.arguments)).toEqual([{ amount: 50 }, { amount: 500 }]);
      });

      await test.step("with a 2 s wait, a project deletion and a refund of 5,000 stay held and the agent is told the approval id", async () => {
        await expectJson(await ownerApi.patch(api, { data: { approvalWaitSeconds: 2 } }), 200);
        const deletion = await callRefused(client, "jira__delete_project", { project: "LEGACY" });
        expect(deletion).toContain("This call needs approval and is waiting for a reviewer");
        approvals.deleteProject = approvalIdIn(deletion);
        expect(deletion).toContain(`/${slug}/approvals/${approvals.deleteProject}`);
        const refund = await callRefused(client, "payments__refund", { amount: 5000 });
        approvals.refund5000 = approvalIdIn(refund);
        expect(jira.record.calls.filter((c) => c.name === "delete_project")).toEqual([]);
        expect(payments.record.calls.filter((c) => c.name === "refund")).toHaveLength(2);

        // Both wait in the reviewer's inbox, each with the rule that holds it and the approvals it needs.
        await inbox.goto(`/${slug}/approvals`);
        const deletionCard = inbox.locator(`article[data-approval="${approvals.deleteProject}"]`);
        await expect(deletionCard.getByRole("heading", { name: "jira__delete_project" })).toBeVisible();
        await expect(deletionCard.getByRole("link", { name: "support#2" })).toBeVisible();
        await expect(deletionCard).toContainText("0 of 1");
        const refundCard = inbox.locator(`article[data-approval="${approvals.refund5000}"]`);
        await expect(refundCard.getByRole("link", { name: "support#4" })).toBeVisible();
        await expect(refundCard).toContainText("0 of 2");
      });
    } finally {
      await client.close();
      await reviewerContext.close();
    }

    await test.step("office-bot's query is decided by the time of day in Berlin", async () => {
      const office = await connect(endpoint, officeKey);
      try {
        const before = inBerlinOfficeHours(new Date());
        const result = await office.callTool({ name: "db__query", arguments: { table: "customers" } });
        const after = inBerlinOfficeHours(new Date());
        test.info().annotations.push({ type: "berlin office hours", description: String(before) });
        // Right at 08:00 or 18:00 the two readings differ, and either decision is right.
        if (before === after) {
          if (before) expect(textOf(result)).toBe("rows of customers");
          else expect(textOf(result)).toBe(`Gatehouse denied this call: ${OFFICE_HOURS_MESSAGE}`);
          expect(result.isError ?? false).toBe(!before);
        }

        const rows = await filterAudit(page, slug, { agent: "office-bot", tool: "query" });
        const call = rows.filter({ hasText: "tools/call" });
        await expect(call).toHaveCount(1);
        if (before === after) {
          await expect(call).toContainText(before ? "allowed" : "denied");
          await expect((await detailsOf(page, call)).getByText(before ? "support#1" : "office-hours#1", { exact: true })).toBeVisible();
        }
      } finally {
        await office.close();
      }
    });

    await test.step("the audit log shows each decision, the rule that made it, and every change of the approvals", async () => {
      // Queries: allowed by support#1, financials denied by default.
      let rows = await filterAudit(page, slug, { agent: "support-bot", tool: "query" });
      await expect(rows).toHaveCount(2);
      const financials = rows.filter({ hasText: "denied" });
      await expect(financials).toContainText("tools/call");
      await expect(await detailsOf(page, financials)).toContainText("no rule allows it (deny by default)");
      const customers = rows.filter({ hasText: "allowed" });
      await expect(customers).toContainText("ok");
      await expect((await detailsOf(page, customers)).getByText("support#1", { exact: true })).toBeVisible();

      // Refunds: 50 allowed by support#6, 50000 denied by support#3; 500 and 5,000 were held (below).
      rows = await filterAudit(page, slug, { agent: "support-bot", tool: "refund" });
      const refundCalls = rows.filter({ hasText: "tools/call" });
      await expect(refundCalls).toHaveCount(4);
      await expect(refundCalls.filter({ hasText: "needs approval" })).toHaveCount(1);
      const denied = refundCalls.filter({ hasText: "denied" });
      await expect(denied).toHaveCount(1);
      const deniedDetail = await detailsOf(page, denied);
      await expect(deniedDetail.getByText("support#3", { exact: true })).toBeVisible();
      await expect(deniedDetail).toContainText('"amount": 50000');
      await expect(deniedDetail).toContainText('denied by rule 3 of role "support", as args.amount > 10000 holds');

      // The approved refund: the held call and each change of its request, found by the approval id.
      rows = await filterAudit(page, slug, { approval: approvals.refund500 });
      await expect(rows.filter({ hasText: "approval.requested" })).toContainText("needs approval");
      await expect(rows.filter({ hasText: "approval.approved" })).toContainText(`by ${reviewer.name}`);
      await expect(rows.filter({ hasText: "approval.consumed" })).toHaveCount(1);
      const approvedCall = rows.filter({ hasText: "tools/call" });
      await expect(approvedCall).toHaveCount(1);
      await expect(approvedCall).toContainText("allowed");
      await expect(approvedCall).toContainText("ok");
      const approvedDetail = await detailsOf(page, approvedCall);
      await expect(approvedDetail.getByText("support#5", { exact: true })).toBeVisible();
      await expect(approvedDetail).toContainText("Customer verified by phone");
      await expect(rows).toHaveCount(4);

      // The deletion nobody decided: requested, and the call left waiting.
      rows = await filterAudit(page, slug, { approval: approvals.deleteProject });
      await expect(rows).toHaveCount(2);
      await expect(rows.filter({ hasText: "approval.requested" })).toContainText("delete_project");
      const heldCall = rows.filter({ hasText: "tools/call" });
      await expect(heldCall).toContainText("needs approval");
      await expect(heldCall).toContainText("pending");
      const heldDetail = await detailsOf(page, heldCall);
      await expect(heldDetail.getByText("support#2", { exact: true })).toBeVisible();
      await expect(heldDetail).toContainText("no decision within 2 s");

      // The refund of 5,000 asks two reviewers, by support#4.
      rows = await filterAudit(page, slug, { approval: approvals.refund5000 });
      const bigRefund = rows.filter({ hasText: "tools/call" });
      await expect(bigRefund).toContainText("needs approval");
      await expect((await detailsOf(page, bigRefund)).getByText("support#4", { exact: true })).toBeVisible();
    });
  });
});
