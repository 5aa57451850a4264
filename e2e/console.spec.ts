import type { Page } from "@playwright/test";
import { expect, expectJson, OWNER, seedMember, seedTenant, signInViaApi, test, trySignIn } from "./fixtures";

// Console checks beyond the first-run journey. Each test seeds its own tenant
// and people over the API and signs the browser in without the form (the
// browser context shares its cookie jar with `page.context().request`),
// except where the sign-in form itself is under test.

type Credentials = { email: string; password: string };

async function signInBrowser(page: Page, who: Credentials) {
  await signInViaApi(page.context().request, who.email, who.password);
}

type ConsoleRoles = { roles: Array<{ role: string; permissions: string[] }>; permissions: Array<{ permission: string; description: string }> };

test("the members page shows the role-permission matrix the API enforces", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  const { roles, permissions } = await expectJson<ConsoleRoles>(await ownerApi.get("/api/v1/console-roles"), 200);
  await signInBrowser(page, OWNER);
  await page.goto(`/${tenant.slug}/members`);

  const matrix = page.getByRole("table", { name: "Permissions of each console role" });
  await expect(matrix).toBeVisible();
  await expect(matrix.getByRole("columnheader")).toHaveText(["Permission", ...roles.map((r) => r.role)], { ignoreCase: true });
  await expect(matrix.getByRole("rowheader")).toHaveCount(permissions.length);
  for (const { permission, description } of permissions) {
    const row = matrix.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${permission.replace(".", "\\.")}\\b`) }) });
    await expect(row.getByRole("rowheader")).toContainText(description);
    await expect(row.getByRole("cell"), permission).toHaveText(roles.map((r) => (r.permissions.includes(permission) ? "Allowed" : "Not allowed")));
  }
});

test("an admin creates an admin token in Settings, sees it once, uses it, revokes it", async ({ page, ownerApi, request }) => {
  const tenant = await seedTenant(ownerApi);
  const admin = await seedMember(ownerApi, tenant.slug, "admin");
  await signInBrowser(page, admin);
  await page.goto(`/${tenant.slug}/settings`);

  await page.getByLabel("Token name").fill("ci-deploy");
  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Create token" }).click();
  const secretBox = page.getByTestId("token-secret");
  await expect(secretBox).toBeVisible();
  const secret = (await secretBox.textContent())!.trim();
  expect(secret).toMatch(/^gth_adm_\S+$/);

  const bearer = { authorization: `Bearer ${secret}` };
  const { members } = await expectJson<{ members: Array<{ email: string }> }>(await request.get(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer }), 200);
  expect(members.map((m) => m.email)).toContain(admin.email);

  // Shown once: a fresh load of the page lists the token but never its secret.
  await page.reload();
  const row = page.getByRole("row").filter({ hasText: "ci-deploy" });
  await expect(row).toContainText("Active");
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(row).toContainText("Revoked");
  const refused = await request.get(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer });
  expect(refused.status()).toBe(401);
});

test("an owner changes a member's role in the UI", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  const member = await seedMember(ownerApi, tenant.slug, "viewer");
  await signInBrowser(page, OWNER);
  await page.goto(`/${tenant.slug}/members`);

  const row = page.getByRole("row").filter({ hasText: member.email });
  const select = row.getByLabel(`Access level for ${member.email}`);
  await expect(select).toHaveValue("viewer");
  await select.selectOption("auditor");
  await row.getByRole("button", { name: "Change role" }).click();

  await expect
    .poll(async () => {
      const { members } = await expectJson<{ members: Array<{ email: string; role: string }> }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
      return members.find((m) => m.email === member.email)?.role;
    })
    .toBe("auditor");
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: member.email }).getByLabel(`Access level for ${member.email}`)).toHaveValue("auditor");
});

test("the last owner's demotion and removal are refused with a message in the UI", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  await signInBrowser(page, OWNER);
  await page.goto(`/${tenant.slug}/members`);

  const row = page.getByRole("row").filter({ hasText: OWNER.email });
  await row.getByLabel(`Access level for ${OWNER.email}`).selectOption("admin");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByRole("alert")).toContainText(/last owner/i);

  await row.getByRole("button", { name: "Remove" }).click();
  await row.getByRole("button", { name: "Yes, remove" }).click();
  await expect(row.getByRole("alert").filter({ hasText: /last owner/i }).last()).toBeVisible();

  // Nothing changed.
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: OWNER.email }).getByLabel(`Access level for ${OWNER.email}`)).toHaveValue("owner");
  const { tenant: after } = await expectJson<{ tenant: { role: string } }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}`), 200);
  expect(after.role).toBe("owner");
});

test("a viewer sees members and the matrix but no management controls", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  const viewer = await seedMember(ownerApi, tenant.slug, "viewer");
  const pending = await expectJson<{ invitation: unknown }>(
    await ownerApi.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email: `pending-${viewer.email}`, role: "reviewer" } }),
    201,
  );
  expect(pending.invitation).toBeTruthy();
  await signInBrowser(page, viewer);

  await page.goto(`/${tenant.slug}/members`);
  const people = page.getByRole("table", { name: "Members of this tenant" });
  await expect(people.getByRole("row").filter({ hasText: OWNER.email })).toBeVisible();
  await expect(people.getByRole("row").filter({ hasText: viewer.email })).toBeVisible();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(`pending-${viewer.email}`);
  await expect(page.getByRole("table", { name: "Permissions of each console role" })).toBeVisible();

  await expect(page.getByRole("heading", { name: "Add a member" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("textbox")).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("combobox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Change role|Remove|Revoke)$/ })).toHaveCount(0);

  await page.goto(`/${tenant.slug}/settings`);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: /^(Save name|Create token|Revoke)$/ })).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("textbox")).toHaveCount(0);
});

test("a removed member's open console turns into the 404 page on the next request", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi, "Soon Gone Ltd");
  const member = await seedMember(ownerApi, tenant.slug, "admin");
  await signInBrowser(page, member);
  await page.goto(`/${tenant.slug}/members`);
  await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();

  const removed = await ownerApi.delete(`/api/v1/tenants/${tenant.slug}/members/${member.membershipId}`);
  expect(removed.status()).toBe(204);

  for (const path of [`/${tenant.slug}/members`, `/${tenant.slug}/settings`, `/${tenant.slug}`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Soon Gone Ltd")).toHaveCount(0);
  }
});

test("the sign-in form can be completed with the keyboard only", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  const member = await seedMember(ownerApi, tenant.slug, "reviewer");
  await page.goto("/sign-in");

  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  await expect(email).toBeFocused();
  await page.keyboard.type(member.email);
  await page.keyboard.press("Tab");
  await expect(password).toBeFocused();
  await page.keyboard.type(member.password);
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(new RegExp(`/${tenant.slug}$`));
  await expect(page.getByLabel("Tenant", { exact: true })).toHaveValue(tenant.slug);
});

/** The body's background colour as sRGB 0–255, whatever CSS colour syntax it is computed in (Tailwind 4 uses oklch). */
async function bodyBackground(page: Page): Promise<[number, number, number]> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const g = canvas.getContext("2d")!;
    g.fillStyle = getComputedStyle(document.body).backgroundColor;
    g.fillRect(0, 0, 1, 1);
    const [r, gr, b] = g.getImageData(0, 0, 1, 1).data;
    return [r!, gr!, b!] as [number, number, number];
  });
}

const luminance = ([r, g, b]: [number, number, number]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

test("dark mode renders a dark console, light mode a light one", async ({ page, ownerApi }) => {
  const tenant = await seedTenant(ownerApi);
  await signInBrowser(page, OWNER);

  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`/${tenant.slug}/members`);
  await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
  const dark = await bodyBackground(page);
  expect(luminance(dark), `dark background rgb(${dark})`).toBeLessThan(0.15);

  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(async () => luminance(await bodyBackground(page))).toBeGreaterThan(0.85);
});

test("after repeated failures the sign-in form says to wait, even for the right password", async ({ page, ownerApi, newApi }) => {
  const tenant = await seedTenant(ownerApi);
  const member = await seedMember(ownerApi, tenant.slug, "viewer");
  // The form is filled first: the first lock lasts only seconds.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(member.email);
  await page.getByLabel("Password").fill(member.password);

  const attacker = await newApi();
  for (let i = 1; i <= 5; i++) expect((await trySignIn(attacker, member.email, `guess-number-${i}-xxxx`)).ok).toBe(false);

  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/^Too many failed sign-ins\. Try again in \d+ seconds?\.$/);
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.context().request.get("/api/v1/me")).status()).toBe(401);
});

test("the tenant switcher: arrow keys only move the selection, Enter switches, the mouse switches at once", async ({ page, ownerApi }) => {
  const first = await seedTenant(ownerApi, "Aaa switcher");
  const second = await seedTenant(ownerApi, "Bbb switcher");
  const member = await seedMember(ownerApi, first.slug, "viewer");
  await expectJson(await ownerApi.post(`/api/v1/tenants/${second.slug}/members`, { data: { email: member.email, role: "viewer" } }), 201);
  await signInBrowser(page, member);
  await page.goto(`/${first.slug}/members`);

  const switcher = page.getByLabel("Tenant", { exact: true });
  await expect(switcher.locator("option")).toHaveText([first.name, second.name]);
  await switcher.focus();
  await page.keyboard.press("ArrowDown");
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(new RegExp(`/${first.slug}/members$`));

  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/${second.slug}/members$`));
  await expect(page.getByLabel("Tenant", { exact: true })).toHaveValue(second.slug);

  await page.getByLabel("Tenant", { exact: true }).selectOption(first.slug);
  await expect(page).toHaveURL(new RegExp(`/${first.slug}/members$`));
});
