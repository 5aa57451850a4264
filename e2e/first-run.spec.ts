import { expect, test, type Page } from "@playwright/test";
import { OWNER, randomEmail, randomPassword } from "./fixtures";

// The journey of issue 2, through the UI only, on a fresh database:
// setup → sign out → wrong password → sign in → a second tenant → invite a
// member → switch tenant → the member joins and sees only their tenant.
// It creates the first owner that every other spec signs in as.

const SECOND = { name: "Globex Industries", slug: "globex" };
const MEMBER = { name: "Vera Viewer", email: randomEmail("vera"), password: randomPassword() };

const tenantSwitcher = (page: Page) => page.getByLabel("Tenant", { exact: true });

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in(\?|$)/);
}

/** Fills and submits the sign-in form, and waits for its server action to answer. */
async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await answered;
}

test("first run: setup, tenants, invitation, isolation", async ({ page, baseURL }) => {
  // A fresh database sends every visitor to the one-time setup page.
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Gatehouse" })).toBeVisible();

  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByLabel("Tenant name").fill(OWNER.tenantName);
  await page.getByLabel("Tenant slug").fill(OWNER.tenantSlug);
  await expect(page.getByLabel("Also create a demo tenant with example tools")).toBeChecked();
  await page.getByRole("button", { name: "Create owner and tenant" }).click();

  // Setup signs the owner in and opens the new tenant's console.
  await expect(page).toHaveURL(new RegExp(`/${OWNER.tenantSlug}$`));
  await expect(tenantSwitcher(page)).toHaveValue(OWNER.tenantSlug);
  await expect(tenantSwitcher(page).locator("option:checked")).toHaveText(OWNER.tenantName);

  // The demo option is on by default: a Demo tenant exists too, and a notice on the owner's tenant points at it.
  const demoNotice = page.getByRole("main").getByRole("status").filter({ hasText: "A demo tenant" });
  await expect(demoNotice).toBeVisible();
  await demoNotice.getByRole("link", { name: "Issue its agent a key and connect" }).click();
  await expect(page).toHaveURL(/\/demo\/agents$/);
  await expect(page.locator('tr[data-agent="demo-agent"]')).toContainText("demo-user");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Servers" }).click();
  await expect(page.locator('tr[data-server="demo"]')).toContainText("Platform");
  await page.goto(`/${OWNER.tenantSlug}`);
  await demoNotice.getByRole("button", { name: "Dismiss" }).click();
  await expect(demoNotice).toHaveCount(0);

  // The setup page is gone for good.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);
  await page.goto(`/${OWNER.tenantSlug}`);

  await signOut(page);

  // A wrong password gets the generic message: nothing says which part was wrong.
  await fillSignIn(page, OWNER.email, "this-is-not-the-password");
  // (Scoped to main: Next's route announcer is an alert too.)
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The email or password is not correct.");
  await expect(page).toHaveURL(/\/sign-in/);
  // An unknown email reads exactly the same.
  await fillSignIn(page, randomEmail("nobody"), "this-is-not-the-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The email or password is not correct.");

  await fillSignIn(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(new RegExp(`/${OWNER.tenantSlug}$`));

  // A second tenant, from the tenant switcher's "New tenant".
  await page.getByRole("link", { name: "New tenant" }).click();
  await expect(page).toHaveURL(/\/tenants\/new$/);
  await page.getByLabel("Tenant name").fill(SECOND.name);
  await page.getByLabel("Tenant slug").fill(SECOND.slug);
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page).toHaveURL(new RegExp(`/${SECOND.slug}$`));
  await expect(tenantSwitcher(page)).toHaveValue(SECOND.slug);

  // Its Members page: add an unknown email as a viewer → an invitation link, shown once.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(new RegExp(`/${SECOND.slug}/members$`));
  await page.getByLabel("Email").fill(MEMBER.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add member" }).click();
  const link = page.getByTestId("invitation-link");
  await expect(link).toBeVisible();
  const invitationUrl = new URL((await link.textContent())!.trim());
  expect(invitationUrl.origin, "the link points at the address the admin uses").toBe(new URL(baseURL!).origin);
  expect(invitationUrl.pathname).toMatch(/^\/invite\/gth_inv_\S+$/);

  // Back to acme with the switcher, staying on Members.
  await tenantSwitcher(page).selectOption({ label: OWNER.tenantName });
  await expect(page).toHaveURL(new RegExp(`/${OWNER.tenantSlug}/members$`));
  await expect(tenantSwitcher(page).locator("option:checked")).toHaveText(OWNER.tenantName);
  await expect(page.getByRole("main")).toContainText(OWNER.tenantName);

  await signOut(page);

  // The invitee opens the link and creates their account.
  await page.goto(invitationUrl.toString());
  await expect(page.getByRole("heading", { name: `Join ${SECOND.name}` })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(MEMBER.email);
  await page.getByLabel("Your name").fill(MEMBER.name);
  await page.getByLabel("Password").fill(MEMBER.password);
  await page.getByRole("button", { name: `Join ${SECOND.name}` }).click();

  // They land in the second tenant and the switcher lists only it.
  await expect(page).toHaveURL(new RegExp(`/${SECOND.slug}$`));
  await expect(tenantSwitcher(page).locator("option")).toHaveText([SECOND.name]);

  // acme does not exist for them: the 404 page, and 404 JSON from the API.
  const acme = await page.goto(`/${OWNER.tenantSlug}`);
  expect(acme?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText(OWNER.tenantName)).toHaveCount(0);

  const api = await page.request.get(`/api/v1/tenants/${OWNER.tenantSlug}`);
  expect(api.status()).toBe(404);
  expect(await api.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  const own = await page.request.get(`/api/v1/tenants/${SECOND.slug}`);
  expect(own.status()).toBe(200);

  // The used link cannot be used again.
  await page.goto(invitationUrl.pathname);
  await expect(page.getByRole("heading", { name: "This invitation cannot be used" })).toBeVisible();
});
