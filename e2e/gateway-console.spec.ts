import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Page } from "@playwright/test";
import { startFixtureHttp, type FixtureHttp } from "../test/fixtures/upstream/server";
import { expect, OWNER, seedMember, seedTenant, signInViaApi, test, type SeededMember, type SeededTenant } from "./fixtures";

// The gateway console journey: an admin registers an upstream server, writes
// an access role, creates an agent and issues it a key, and a real MCP client
// connects with that key; its call then shows in the audit log. Then a viewer
// of the same tenant sees all of it and no control that would change it.
// The fixture upstream runs on 127.0.0.1, which e2e/serve.ts allows.

const UPSTREAM_TOKEN = "fixture-upstream-secret-123";

test.describe.serial("gateway console", () => {
  let upstream: FixtureHttp;
  let tenant: SeededTenant;
  let agentUrl: string;

  test.beforeAll(async () => {
    upstream = await startFixtureHttp({ requireBearer: UPSTREAM_TOKEN });
  });

  test.afterAll(async () => {
    await upstream?.close();
  });

  const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name, exact: true });

  test("an admin connects an agent to an upstream through the console, and its call is audited", async ({ page, context, ownerApi, baseURL }) => {
    tenant = await seedTenant(ownerApi);
    const admin = await seedMember(ownerApi, tenant.slug, "admin");
    await signInViaApi(context.request, admin.email, admin.password);
    const endpoint = `${baseURL}/t/${tenant.slug}/mcp`;

    // ── Servers: register the fixture with a bearer credential.
    await page.goto(`/${tenant.slug}`);
    await nav(page, "Servers").click();
    await expect(page.getByRole("heading", { name: "Servers", level: 1 })).toBeVisible();
    await expect(page.getByText("No servers yet")).toBeVisible();
    await page.getByRole("link", { name: "Add server" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/servers/new$`));

    // A bad URL is a message beside the field, and what was typed stays.
    await page.getByLabel("Name", { exact: true }).fill("fixture");
    await page.getByLabel("URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Register server" }).click();
    await expect(page.locator("#f-url-error")).toContainText("http:// or https://");
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("fixture");

    await page.getByLabel("URL", { exact: true }).fill(upstream.url);
    await page.getByLabel("Description").fill("The test upstream");
    await page.getByRole("radio", { name: /Bearer token/ }).check();
    await page.getByLabel("Token", { exact: true }).fill(UPSTREAM_TOKEN);
    await page.getByRole("button", { name: "Register server" }).click();

    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/servers/fixture\\?registered=1$`));
    await expect(page.getByRole("status").filter({ hasText: "The server is registered with" })).toBeVisible();
    const catalog = page.locator("section", { has: page.getByRole("heading", { name: "Tool catalog" }) });
    await expect(catalog.getByRole("heading", { name: "fixture__echo" })).toBeVisible();
    await expect(catalog.getByRole("heading", { name: "fixture__delete_everything" })).toBeVisible();
    // Each tool: its annotations, a hash prefix, and its input schema behind a disclosure.
    const deleteTool = catalog.locator('[data-tool="delete_everything"]');
    await expect(deleteTool.getByText("destructive", { exact: true })).toBeVisible();
    await expect(deleteTool.locator("code")).toHaveText(/Definition hash [0-9a-f]{12}$/);
    const echoTool = catalog.locator('[data-tool="echo"]');
    await echoTool.getByText("Input schema").click();
    await expect(echoTool.getByLabel("Input schema of echo")).toContainText('"message"');
    // The credential is sealed: only its masked hint is ever shown.
    await expect(page.getByText("Bearer ••••-123")).toBeVisible();
    expect(await page.content()).not.toContain(UPSTREAM_TOKEN);

    // Test connection: what the upstream offers right now.
    await page.getByRole("button", { name: "Test connection" }).click();
    const probe = page.getByTestId("probe-result");
    await expect(probe).toContainText("gatehouse-fixture");
    await expect(probe).toContainText("echo");
    await expect(probe).toContainText("test_simple_prompt");

    // The list shows it enabled with its tools.
    await nav(page, "Servers").click();
    const row = page.locator('tr[data-server="fixture"]');
    await expect(row).toContainText("Streamable HTTP");
    await expect(row).toContainText(upstream.url);
    await expect(row).toContainText("Enabled");
    await expect(row.getByRole("cell").nth(4)).toHaveText(/^\d+$/);

    // Editing without touching the credential keeps it (the catalog still loads).
    await page.goto(`/${tenant.slug}/servers/fixture/edit`);
    await expect(page.getByText("Stored:")).toContainText("Bearer ••••-123");
    await expect(page.getByLabel("Token", { exact: true })).toHaveValue("");
    await page.getByLabel("Timeout (ms)").fill("20000");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/servers\/fixture\?saved=1$/);
    await expect(page.getByText("20,000 ms")).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("probe-result")).toContainText("Connected");

    // Credentials as custom headers: a row per header, replacing the stored token.
    await page.getByRole("link", { name: "Edit fixture" }).click();
    await page.getByRole("radio", { name: /Custom headers/ }).check();
    await page.getByLabel("Header 1 name").fill("Authorization");
    await page.getByLabel("Header 1 value").fill(`Bearer ${UPSTREAM_TOKEN}`);
    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header 2 name").fill("authorization");
    await page.getByLabel("Header 2 value").fill("twice");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("main").getByText('"authorization" is given twice; give each header once.')).toBeVisible();
    // The failed submit kept the chosen kind and the rows (secrets included, in this browser only).
    await expect(page.getByRole("radio", { name: /Custom headers/ })).toBeChecked();
    await expect(page.getByLabel("Header 1 value")).toHaveValue(`Bearer ${UPSTREAM_TOKEN}`);
    await page.getByRole("button", { name: "Remove header 2" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/servers\/fixture\?saved=1$/);
    await expect(page.getByText("Authorization: ••••-123")).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("probe-result")).toContainText("Connected");
    expect(await page.content()).not.toContain(UPSTREAM_TOKEN);

    // ── Roles: allow every fixture tool but deny delete_*.
    await nav(page, "Roles").click();
    await page.getByLabel("Role name").fill("fixture-safe");
    await page.getByLabel("Description").fill("Fixture tools, nothing destructive");
    await page.getByRole("button", { name: "Create role" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/roles/fixture-safe\\?created=1$`));

    await page.getByRole("button", { name: "Add rule" }).click();
    await expect(page.getByLabel("Rule 1 server")).toHaveValue("fixture");
    await expect(page.getByLabel("Rule 1 pattern")).toHaveValue("*");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByLabel("Rule 2 pattern").fill("delete_*");
    await page.getByLabel("Rule 2 effect").selectOption("deny");
    // Reordering moves the whole row.
    await page.getByRole("button", { name: "Move rule 2 up" }).click();
    await expect(page.getByLabel("Rule 1 pattern")).toHaveValue("delete_*");
    await expect(page.getByLabel("Rule 1 effect")).toHaveValue("deny");
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    await page.getByRole("button", { name: "Save rules" }).click();
    await expect(page.getByText("Rules saved.")).toBeVisible();
    await expect(page.getByLabel("Rule 1 effect")).toHaveValue("deny");
    await expect(page.getByLabel("Rule 1 effect").locator("option:checked")).toHaveText("Deny");
    await page.reload();
    await expect(page.getByLabel("Rule 1 pattern")).toHaveValue("delete_*");
    await expect(page.getByLabel("Rule 2 pattern")).toHaveValue("*");
    await expect(page.getByLabel("Rule 2 effect")).toHaveValue("allow");

    // ── Agents: create one holding the role, issue a key, copy it.
    await nav(page, "Agents").click();
    await page.getByRole("link", { name: "New agent" }).click();
    await page.getByLabel("Name", { exact: true }).fill("e2e-bot");
    await page.getByLabel("Labels").fill("team=qa\nnot a label");
    await page.getByRole("checkbox", { name: /fixture-safe/ }).check();
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect(page.locator("#agent-labels-error")).toContainText("Line 2: write key=value.");
    await expect(page.getByRole("checkbox", { name: /fixture-safe/ })).toBeChecked();
    await page.getByLabel("Labels").fill("team=qa");
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/agents/agt_\\w+\\?created=1$`));
    agentUrl = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { name: "e2e-bot", level: 1 })).toBeVisible();

    // Before a key is issued, the Connect panel shows a placeholder.
    await expect(page.getByTestId("mcp-endpoint")).toHaveText(endpoint);
    await expect(page.getByTestId("connect-claude-code")).toHaveText(
      `claude mcp add --transport http gatehouse-${tenant.slug} ${endpoint} --header "Authorization: Bearer <YOUR_AGENT_KEY>"`,
    );

    await page.getByLabel("Key name").fill("laptop");
    await page.getByLabel("Expires in (days)").fill("30");
    await page.getByRole("button", { name: "Issue key" }).click();
    const secretBox = page.getByTestId("agent-key-secret");
    await expect(secretBox).toBeVisible();
    const shown = (await secretBox.textContent())!.trim();
    expect(shown).toMatch(/^gth_agt_\S+$/);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
    await page.locator('[role="status"]', { has: secretBox }).getByRole("button", { name: "Copy" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    const key = await page.evaluate(() => navigator.clipboard.readText());
    expect(key).toBe(shown);

    // The Connect panel now carries the key, for each client.
    await expect(page.getByTestId("connect-claude-code")).toContainText(`--header "Authorization: Bearer ${key}"`);
    await page.getByRole("tab", { name: "Claude Desktop" }).click();
    const desktop = JSON.parse((await page.getByTestId("connect-claude-desktop").textContent())!);
    expect(desktop.mcpServers[`gatehouse-${tenant.slug}`]).toEqual({
      command: "npx",
      args: ["-y", "mcp-remote", endpoint, "--header", "Authorization:${AUTH_HEADER}"],
      env: { AUTH_HEADER: `Bearer ${key}` },
    });
    await page.getByRole("tab", { name: "Claude Desktop" }).press("ArrowRight");
    await expect(page.getByRole("tab", { name: "Cursor" })).toBeFocused();
    await expect(page.getByRole("tab", { name: "Cursor" })).toHaveAttribute("aria-selected", "true");
    const cursor = JSON.parse((await page.getByTestId("connect-cursor").textContent())!);
    expect(cursor).toEqual({ mcpServers: { [`gatehouse-${tenant.slug}`]: { url: endpoint, headers: { Authorization: `Bearer ${key}` } } } });
    await page.getByRole("tab", { name: "VS Code" }).click();
    const vscode = JSON.parse((await page.getByTestId("connect-vscode").textContent())!);
    expect(vscode.servers[`gatehouse-${tenant.slug}`]).toEqual({ type: "http", url: endpoint, headers: { Authorization: `Bearer ${key}` } });

    const keyRow = page.locator('tr[data-key-name="laptop"]');
    await expect(keyRow).toContainText(key.slice(0, 12));
    await expect(keyRow).toContainText("Active");
    await expect(keyRow).toContainText("Never"); // not used yet

    // ── A real MCP client, with the key copied from the page.
    const client = new Client({ name: "e2e-client", version: "1.2.3" });
    await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toContain("fixture__echo");
      expect(names).not.toContain("fixture__delete_everything");
      const result = await client.callTool({ name: "fixture__echo", arguments: { message: "hello through the gateway" } });
      expect(result.content).toEqual([{ type: "text", text: JSON.stringify({ message: "hello through the gateway" }) }]);
      const denied = await client.callTool({ name: "fixture__delete_everything", arguments: {} }).catch((e: Error) => e);
      expect(denied).toBeInstanceOf(Error);
    } finally {
      await client.close();
    }

    // ── Audit: the call is there, and the tool filter finds it.
    await nav(page, "Audit").click();
    const events = page.getByRole("table", { name: "Audit events, newest first" });
    await expect(events.locator('tr[data-tool="echo"]')).toHaveCount(1);
    await page.getByLabel("Tool", { exact: true }).fill("echo");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/audit\\?tool=echo$`));
    const rows = events.locator("tbody > tr[data-event]");
    await expect(rows).toHaveCount(1);
    const echoRow = rows.first();
    await expect(echoRow).toContainText("e2e-bot");
    await expect(echoRow).toContainText("tools/call");
    await expect(echoRow).toContainText("fixture");
    await expect(echoRow).toContainText("allowed");
    await expect(echoRow).toContainText("ok");
    await expect(echoRow).toContainText("e2e-client");
    await echoRow.getByRole("button", { name: "Details" }).click();
    const detail = page.locator(`#event-${await echoRow.getAttribute("data-event")}`);
    await expect(detail).toBeVisible();
    await expect(detail).toContainText("hello through the gateway");
    await expect(detail).toContainText(key.slice(0, 12));

    // The denied call, by outcome; the shared URL reproduces the view.
    await page.goto(`/${tenant.slug}/audit?outcome=denied&method=tools%2Fcall`);
    await expect(page.getByLabel("Outcome")).toHaveValue("denied");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("delete_everything");
    await expect(rows.first()).toContainText("denied");

    // A filter that matches nothing says so.
    await page.goto(`/${tenant.slug}/audit?tool=no_such_tool`);
    await expect(page.getByText("No events match", { exact: true })).toBeVisible();

    // The key shows it was used.
    await page.goto(agentUrl);
    await expect(page.locator('tr[data-key-name="laptop"]')).toContainText("UTC");
  });

  test("a viewer sees the gateway configuration and no control that changes it", async ({ page, context, ownerApi }) => {
    expect(tenant, "the journey above seeded the tenant").toBeTruthy();
    const viewer: SeededMember = await seedMember(ownerApi, tenant.slug, "viewer");
    await signInViaApi(context.request, viewer.email, viewer.password);
    const main = page.getByRole("main");

    await page.goto(`/${tenant.slug}/servers`);
    await expect(page.locator('tr[data-server="fixture"]')).toBeVisible();
    await expect(main.getByRole("link", { name: "Add server" })).toHaveCount(0);
    await expect(main.getByRole("button")).toHaveCount(0);
    await page.goto(`/${tenant.slug}/servers/fixture`);
    await expect(main.getByRole("heading", { name: "fixture__echo" })).toBeVisible();
    await expect(main.getByRole("button", { name: /Test connection|Disable|Delete/ })).toHaveCount(0);
    await expect(main.getByRole("link", { name: /Edit/ })).toHaveCount(0);
    expect((await page.goto(`/${tenant.slug}/servers/new`))?.status()).toBe(404);
    expect((await page.goto(`/${tenant.slug}/servers/fixture/edit`))?.status()).toBe(404);

    // Viewers may try calls in the simulator (nothing is saved) but change no rule.
    const changesRules = /Save|Delete|Create|Add|Remove|Move/;
    await page.goto(`/${tenant.slug}/roles`);
    await expect(page.locator('tr[data-role="fixture-safe"]')).toContainText("e2e-bot");
    await expect(main.getByRole("button", { name: changesRules })).toHaveCount(0);
    await page.goto(`/${tenant.slug}/roles/fixture-safe`);
    await expect(main.getByRole("table", { name: "Rules of the role fixture-safe" })).toContainText("delete_*");
    await expect(main.getByRole("button", { name: changesRules })).toHaveCount(0);
    await expect(main.getByRole("textbox", { name: /^Rule \d+/ })).toHaveCount(0);

    await page.goto(`/${tenant.slug}/agents`);
    await expect(page.locator('tr[data-agent="e2e-bot"]')).toContainText("fixture-safe");
    await expect(main.getByRole("link", { name: "New agent" })).toHaveCount(0);
    await page.goto(agentUrl);
    await expect(page.locator('tr[data-key-name="laptop"]')).toBeVisible();
    await expect(main.getByRole("button", { name: /Issue key|Revoke|Delete|Save/ })).toHaveCount(0);
    // The Connect panel is for reading: tabs and copy buttons only.
    await expect(page.getByTestId("connect-claude-code")).toContainText("<YOUR_AGENT_KEY>");

    // Viewers do not read the audit log.
    await page.goto(`/${tenant.slug}/audit`);
    await expect(main).toContainText("does not allow reading the audit log");
  });

  test("the owner disables the server, revokes the key, and deletes the agent and the server", async ({ page, context }) => {
    expect(agentUrl, "the journey above created the agent").toBeTruthy();
    await signInViaApi(context.request, OWNER.email, OWNER.password);

    // Disable the server: its tools leave the agent at once.
    await page.goto(`/${tenant.slug}/servers`);
    await page.locator('tr[data-server="fixture"]').getByRole("button", { name: "Disable" }).click();
    await expect(page.locator('tr[data-server="fixture"]')).toContainText("Disabled");
    await page.locator('tr[data-server="fixture"]').getByRole("button", { name: "Enable" }).click();
    await expect(page.locator('tr[data-server="fixture"]')).toContainText("Enabled");

    await page.goto(agentUrl);
    const keyRow = page.locator('tr[data-key-name="laptop"]');
    await keyRow.getByRole("button", { name: "Revoke" }).click();
    await keyRow.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(keyRow).toContainText("Revoked");

    await page.getByRole("button", { name: "Delete agent" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/agents$`));
    await expect(page.getByText("No agents yet")).toBeVisible();

    await page.goto(`/${tenant.slug}/servers/fixture`);
    await page.getByRole("button", { name: "Delete server" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page).toHaveURL(new RegExp(`/${tenant.slug}/servers\\?deleted=fixture$`));
    await expect(page.getByText("No servers yet")).toBeVisible();

    // The demo tenant first-run made (e2e/first-run.spec.ts) has a platform server:
    // enable/disable, description, tags and timeout only; never deleted here.
    await page.goto("/demo/servers/demo");
    await expect(page.getByRole("main").getByText("Platform", { exact: true })).toBeVisible();
    await expect(page.getByText("Run by the platform operator")).toBeVisible();
    await expect(page.getByRole("button", { name: "Delete server" })).toHaveCount(0);
    await page.getByRole("link", { name: "Edit demo" }).click();
    await expect(page.getByLabel("URL", { exact: true })).toHaveCount(0);
    await expect(page.getByRole("radio")).toHaveCount(0);
    await page.getByLabel("Timeout (ms)").fill("45000");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/demo\/servers\/demo\?saved=1$/);
    await expect(page.getByText("45,000 ms")).toBeVisible();
  });
});
