import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { startFixtureHttp, type FixtureHttp } from "../test/fixtures/upstream/server";
import { expect, expectJson, OWNER, seedMember, seedTenant, signInViaApi, test, type SeededMember, type SeededTenant } from "./fixtures";

// Human approval of sensitive tool calls, from the reviewer's side. An agent
// (the MCP SDK client, with its key) calls a tool a require_approval rule
// holds; its call waits while a reviewer, with the Approvals inbox already
// open, sees the request arrive without reloading and decides. The agent's
// call then completes with the upstream's real answer, or fails with the
// reviewer's comment. The key is issued by the first owner, so the reviewers
// here are never the key's creator; the owner's own approval is refused.
// The fixture upstream runs on 127.0.0.1, which e2e/serve.ts allows.

/** The agent's call waits this long for a decision (the tenant's setting; at most 120). */
const WAIT_SECONDS = 90;
const APPROVAL = { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 };

type Gateway = { tenant: SeededTenant; endpoint: string; key: string; agentName: string };

/** A tenant whose agent may call fixture `add`, and must ask before `echo` and `delete_everything`; seeded over the admin API as the owner. */
async function seedGateway(ownerApi: APIRequestContext, upstream: FixtureHttp, baseURL: string): Promise<Gateway> {
  const tenant = await seedTenant(ownerApi);
  const api = `/api/v1/tenants/${tenant.slug}`;
  await expectJson(await ownerApi.patch(api, { data: { approvalWaitSeconds: WAIT_SECONDS } }), 200);
  await expectJson(await ownerApi.post(`${api}/servers`, { data: { name: "fixture", transport: "streamable_http", url: upstream.url } }), 201);
  await expectJson(
    await ownerApi.put(`${api}/roles/release`, {
      data: {
        description: "Adds freely; echo and delete only with a reviewer's approval",
        rules: [
          { server: "fixture", pattern: "add", effect: "allow" },
          { target: "tool", server: "fixture", pattern: "echo", effect: "require_approval", approval: APPROVAL },
          { target: "tool", server: "fixture", pattern: "delete_everything", effect: "require_approval", approval: APPROVAL },
        ],
      },
    }),
    200,
  );
  const agentName = "release-bot";
  const { agent } = await expectJson<{ agent: { id: string } }>(await ownerApi.post(`${api}/agents`, { data: { name: agentName, roles: ["release"] } }), 201);
  const { secret } = await expectJson<{ secret: string }>(await ownerApi.post(`${api}/agents/${agent.id}/keys`, { data: { name: "ci" } }), 201);
  return { tenant, endpoint: `${baseURL}/t/${tenant.slug}/mcp`, key: secret, agentName };
}

async function connectAgent(gateway: Gateway): Promise<Client> {
  const client = new Client({ name: "release-pipeline", version: "3.1.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(gateway.endpoint), { requestInit: { headers: { Authorization: `Bearer ${gateway.key}` } } }));
  return client;
}

type Held = { result: ReturnType<Client["callTool"]>; progress: string[] };

/** Starts a tool call that will be held, without waiting for it; the progress messages tell the agent where its request is. */
function callHeld(client: Client, name: string, args: Record<string, unknown>): Held {
  const progress: string[] = [];
  const result = client.callTool({ name, arguments: args }, undefined, {
    timeout: (WAIT_SECONDS + 30) * 1000,
    onprogress: (p) => void progress.push(p.message ?? ""),
  });
  result.catch(() => {}); // awaited later; a failure must not go unhandled meanwhile
  return { result, progress };
}

/** The approval id the gateway told the agent about, and the console URL it gave. */
async function approvalUrlOf(held: Held, slug: string): Promise<{ id: string; path: string }> {
  await expect.poll(() => held.progress.join("\n"), { message: "the agent is told where its request waits" }).toMatch(/\/approvals\/apr_\w+/);
  const url = new URL(/https?:\/\/\S+\/approvals\/apr_\w+/.exec(held.progress.join("\n"))![0]);
  expect(url.pathname).toMatch(new RegExp(`^/${slug}/approvals/apr_\\w+$`));
  return { id: url.pathname.split("/").pop()!, path: url.pathname };
}

/** A browser context of its own (own cookies), signed in as `member`. */
async function signedInPage(browser: Browser, baseURL: string, member: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  await signInViaApi(context.request, member.email, member.password);
  return { context, page: await context.newPage() };
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });
/** Marks the document; a reload or a full navigation loses the mark. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

test.describe("approvals", () => {
  // Each journey holds a real call for up to WAIT_SECONDS.
  test.describe.configure({ timeout: 180_000 });
  let upstream: FixtureHttp;

  test.beforeAll(async () => {
    upstream = await startFixtureHttp();
  });

  test.afterAll(async () => {
    await upstream?.close();
  });

  test("a reviewer sees a held call arrive live, approves it, and the waiting agent gets the upstream's result; the audit log has it all", async ({
    page,
    context,
    ownerApi,
    baseURL,
  }) => {
    const gateway = await seedGateway(ownerApi, upstream, baseURL!);
    const { slug } = gateway.tenant;
    const reviewer: SeededMember = await seedMember(ownerApi, slug, "reviewer");
    await signInViaApi(context.request, reviewer.email, reviewer.password);

    // The inbox is open before any call is made.
    await page.goto(`/${slug}`);
    await nav(page).getByRole("link", { name: "Approvals", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/${slug}/approvals$`));
    await expect(page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
    await expect(page.getByText("Nothing is waiting for a decision")).toBeVisible();
    await expect(page.getByRole("tab", { name: "Pending (0)" })).toHaveAttribute("aria-selected", "true");
    await markDocument(page);

    // The agent: one allowed call, then one that is held.
    const client = await connectAgent(gateway);
    try {
      const sum = await client.callTool({ name: "fixture__add", arguments: { a: 2, b: 40 } });
      expect(sum.content).toEqual([{ type: "text", text: "42" }]);
      const args = { message: "deploy v2 to production", replicas: 3 };
      const held = callHeld(client, "fixture__echo", args);
      const { id, path } = await approvalUrlOf(held, slug);

      // It appears by itself: no reload.
      const card = page.locator(`article[data-approval="${id}"]`);
      await expect(card).toBeVisible();
      expect(await sameDocument(page), "the inbox updated without a reload").toBe(true);
      await expect(page.getByRole("tab", { name: "Pending (1)" })).toBeVisible();
      await expect(nav(page).getByRole("link", { name: "Approvals (1 waiting)" })).toBeVisible();
      await expect(card.getByRole("heading", { name: "fixture__echo" })).toBeVisible();
      await expect(card).toContainText(gateway.agentName);
      await expect(card).toContainText("release-pipeline 3.1.0");
      const shownArgs = card.getByLabel("Arguments of fixture__echo");
      await expect(shownArgs).toContainText('"message": "deploy v2 to production"');
      await expect(shownArgs).toContainText('"replicas": 3');
      // Why it is held, who decides, what the agent did before.
      await expect(card.getByRole("link", { name: "release#2" })).toHaveAttribute("href", `/${slug}/roles/release`);
      await expect(card).toContainText("0 of 1");
      await expect(card).toContainText("By a reviewer or above");
      await expect(card).toContainText("fixture__add");
      // The time left ticks down from the request's ten minutes.
      const timer = card.getByRole("timer");
      await expect(timer).toHaveText(/^(10:00|9:[0-5]\d) left$/);
      const shown = await timer.textContent();
      await expect(timer).not.toHaveText(shown!);
      await expect(card.getByRole("link", { name: "Details of fixture__echo" })).toHaveAttribute("href", path);

      // Approve with the keyboard, with a comment; the agent's waiting call completes with the upstream's real answer.
      await card.getByLabel("Comment", { exact: true }).fill("Release window is open");
      await page.keyboard.press("Tab");
      await expect(card.getByRole("button", { name: "Approve fixture__echo" })).toBeFocused();
      await page.keyboard.press("Enter");
      const result = await held.result;
      expect(result.isError ?? false).toBe(false);
      expect(result.content).toEqual([{ type: "text", text: JSON.stringify(args) }]);

      // The inbox says what happened and moves on; the request is in the history, used.
      await expect(page.getByRole("main").getByText(`You approved fixture__echo for ${gateway.agentName}.`)).toBeVisible();
      await expect(card).toHaveCount(0);
      // The keyboard stays in the inbox: on that message, as no other request waits.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("You approved fixture__echo");
      await expect(page.getByText("Nothing is waiting for a decision")).toBeVisible();
      await expect(nav(page).getByRole("link", { name: "Approvals", exact: true })).toBeVisible();
      await page.getByRole("tab", { name: "Decided" }).click();
      const row = page.locator(`tr[data-approval-row="${id}"]`);
      await expect(row).toContainText("approved, ran");
      await expect(row).toContainText(`${reviewer.name} approved`);
      await expect(row).toContainText("Release window is open");
      expect(await sameDocument(page)).toBe(true);

      // The details: the earlier call of the session, the vote, the history.
      await row.getByRole("link", { name: "fixture__echo" }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(page.getByRole("heading", { name: "fixture__echo", level: 1 })).toBeVisible();
      await expect(page.getByRole("main")).toContainText("Status: approved, ran");
      await expect(page.getByRole("table", { name: "The agent's earlier calls in this session, oldest first" })).toContainText("fixture__add");
      await expect(page.getByRole("table", { name: "Votes on this request" })).toContainText(reviewer.name);
      const history = page.locator("section", { has: page.getByRole("heading", { name: "History" }) });
      await expect(history).toContainText("release-bot called fixture__echo; the call was held for approval");
      await expect(history).toContainText(`${reviewer.name} approved`);
      await expect(history).toContainText("The call ran on this approval");
      await expect(page.getByRole("button", { name: /Approve|Deny/ })).toHaveCount(0);

      // The audit log, filtered to this request: the call and every change of the approval.
      await page.getByRole("link", { name: "Audit events of this request" }).click();
      await expect(page).toHaveURL(new RegExp(`/${slug}/audit\\?approval=${id}$`));
      const events = page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody > tr[data-event]");
      await expect(events.filter({ hasText: "approval.requested" })).toHaveCount(1);
      await expect(events.filter({ hasText: "approval.approved" })).toContainText(`by ${reviewer.name}`);
      await expect(events.filter({ hasText: "approval.consumed" })).toHaveCount(1);
      const call = events.filter({ hasText: "tools/call" });
      await expect(call).toHaveCount(1);
      await expect(call).toContainText("echo");
      await expect(call).toContainText("allowed");
      await expect(call).toContainText("ok");

      // Every one of these events is a link of the tenant's hash chain, and the chain holds.
      await page.getByRole("button", { name: "Verify the chain" }).click();
      await expect(page.getByRole("status").filter({ hasText: "The chain holds" })).toContainText(/The chain holds: \d+ events checked, ending at [0-9a-f]{64}\./);
    } finally {
      await client.close();
    }
  });

  test("a second reviewer denies with a comment: the agent's call fails with it, and the other reviewers' inboxes follow live", async ({
    page,
    context,
    browser,
    ownerApi,
    baseURL,
  }) => {
    const gateway = await seedGateway(ownerApi, upstream, baseURL!);
    const { slug } = gateway.tenant;
    const [first, second, viewer] = [await seedMember(ownerApi, slug, "reviewer"), await seedMember(ownerApi, slug, "reviewer"), await seedMember(ownerApi, slug, "viewer")];
    await signInViaApi(context.request, first.email, first.password);
    await page.goto(`/${slug}/approvals`);
    await expect(page.getByText("Nothing is waiting for a decision")).toBeVisible();
    await markDocument(page);

    const client = await connectAgent(gateway);
    const opened: BrowserContext[] = [];
    try {
      const held = callHeld(client, "fixture__delete_everything", { scope: "production" });
      const { id, path } = await approvalUrlOf(held, slug);
      const card = page.locator(`article[data-approval="${id}"]`);
      await expect(card.getByLabel("Arguments of fixture__delete_everything")).toContainText('"scope": "production"');

      // The owner issued the agent's key: the page says so, and their approval is refused in place.
      const owner = await signedInPage(browser, baseURL!, OWNER);
      opened.push(owner.context);
      await owner.page.goto(path); // the URL the agent was given
      await expect(owner.page.getByRole("heading", { name: "fixture__delete_everything", level: 1 })).toBeVisible();
      await expect(owner.page.getByText("You issued the agent key this call was made with")).toBeVisible();
      await owner.page.getByRole("button", { name: "Approve fixture__delete_everything" }).click();
      await expect(owner.page.getByRole("main").getByRole("alert")).toHaveText("You issued the agent key this call was made with, so another reviewer must approve it.");
      await expect(owner.page.getByRole("main")).toContainText("Status: waiting");
      await expect(card).toContainText("0 of 1");

      // A viewer sees the request and no way to decide it.
      const reader = await signedInPage(browser, baseURL!, viewer);
      opened.push(reader.context);
      await reader.page.goto(`/${slug}/approvals`);
      await expect(reader.page.locator(`article[data-approval="${id}"]`)).toContainText('"scope": "production"');
      await expect(reader.page.getByText("Your role (viewer) can see requests but not decide them")).toBeVisible();
      await expect(reader.page.getByRole("main").getByRole("button", { name: /Approve|Deny/ })).toHaveCount(0);
      await expect(reader.page.getByRole("main").getByRole("textbox")).toHaveCount(0);

      // The second reviewer denies from the details page, with a comment for the agent.
      const other = await signedInPage(browser, baseURL!, second);
      opened.push(other.context);
      await other.page.goto(path);
      await expect(other.page.getByRole("table", { name: "The agent's earlier calls in this session, oldest first" })).toHaveCount(0);
      await expect(other.page.getByText("No earlier calls.")).toBeVisible();
      const comment = "Not on production: run it against staging first";
      await other.page.getByLabel("Comment", { exact: true }).fill(comment);
      await other.page.getByRole("button", { name: "Deny fixture__delete_everything" }).click();

      const result = await held.result;
      expect(result.isError).toBe(true);
      const text = (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");
      expect(text).toContain("A reviewer denied this call");
      expect(text).toContain(comment);

      await expect(other.page.getByRole("main").getByText("You denied fixture__delete_everything")).toBeVisible();
      await expect(other.page.getByRole("main")).toContainText("Status: denied");
      await expect(other.page.getByRole("table", { name: "Votes on this request" })).toContainText(comment);
      await expect(other.page.getByRole("button", { name: /Approve|Deny/ })).toHaveCount(0);

      // Everyone else's view follows without a reload: the first reviewer's inbox, the owner's details page.
      await expect(card).toHaveCount(0);
      await expect(page.getByText("Nothing is waiting for a decision")).toBeVisible();
      await page.getByRole("tab", { name: "Decided" }).click();
      await expect(page.locator(`tr[data-approval-row="${id}"]`)).toContainText(`${second.name} denied`);
      await expect(page.locator(`tr[data-approval-row="${id}"]`)).toContainText(comment);
      expect(await sameDocument(page)).toBe(true);
      await expect(owner.page.getByRole("main")).toContainText("Status: denied");
      await expect(owner.page.getByRole("button", { name: /Approve|Deny/ })).toHaveCount(0);
      await expect(reader.page.locator(`article[data-approval="${id}"]`)).toHaveCount(0);
    } finally {
      await client.close();
      for (const c of opened) await c.close();
    }
  });

  test("a request is found only in its own tenant, and each tenant's live feed carries only its own changes", async ({ page, context, ownerApi, baseURL }) => {
    const a = await seedGateway(ownerApi, upstream, baseURL!);
    const b = await seedGateway(ownerApi, upstream, baseURL!);
    const outsider = await seedMember(ownerApi, (await seedTenant(ownerApi)).slug, "admin");

    // The owner is in both tenants: listen to both feeds from the browser.
    await signInViaApi(context.request, OWNER.email, OWNER.password);
    await page.goto(`/${a.tenant.slug}/approvals`);
    await page.evaluate(
      (slugs) =>
        Promise.all(
          slugs.map((slug) => {
            const heard = ((window as unknown as { heard?: Record<string, string[]> }).heard ??= {});
            heard[slug] = [];
            const feed = new EventSource(`/${slug}/approvals/stream`);
            feed.addEventListener("approval", (e) => heard[slug]!.push((e as MessageEvent<string>).data));
            return new Promise((resolve) => feed.addEventListener("open", resolve, { once: true }));
          }),
        ),
      [a.tenant.slug, b.tenant.slug],
    );
    const heard = () => page.evaluate(() => (window as unknown as { heard: Record<string, string[]> }).heard);
    const client = await connectAgent(b);
    try {
      const held = callHeld(client, "fixture__echo", { message: "only for B" });
      const { id, path } = await approvalUrlOf(held, b.tenant.slug);
      await expect.poll(async () => (await heard())[b.tenant.slug]!.join("\n")).toContain(id);
      expect((await heard())[a.tenant.slug]).toEqual([]);

      // By id: under its own tenant only; another tenant's slug, an unknown id and a non-member all get the 404 page.
      expect((await page.goto(path))?.status()).toBe(200);
      expect((await page.goto(`/${a.tenant.slug}/approvals/${id}`))?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      expect((await page.goto(`/${a.tenant.slug}/approvals/apr_doesnotexist`))?.status()).toBe(404);
      await signInViaApi(context.request, outsider.email, outsider.password);
      expect((await page.goto(path))?.status()).toBe(404);
      expect((await context.request.get(`/${b.tenant.slug}/approvals/stream`)).status()).toBe(404);

      // Release the agent: the owner issued its key, so the owner may deny but not approve.
      await signInViaApi(context.request, OWNER.email, OWNER.password);
      await expectJson(await ownerApi.post(`/api/v1/tenants/${b.tenant.slug}/approvals/${id}/decision`, { data: { decision: "deny", comment: "test over" } }), 200);
      expect((await held.result).isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
