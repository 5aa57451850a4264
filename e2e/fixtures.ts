import { randomBytes } from "node:crypto";
import { test as base, expect, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";

/**
 * The first owner and tenant. e2e/first-run.spec.ts creates them through the
 * setup page; every other spec relies on them existing and seeds its own
 * tenants and users on top, with random slugs and emails.
 */
export const OWNER = {
  name: "Olivia Owner",
  email: "owner@example.test",
  password: "correct-horse-battery-staple",
  tenantName: "Acme Corporation",
  tenantSlug: "acme",
} as const;

/** A password that satisfies the 12+ character rule; each seeded user gets its own. */
export function randomPassword(): string {
  return `pw-${randomBytes(12).toString("base64url")}`;
}

export function randomSlug(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export function randomEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}@example.test`;
}

/** Signs in through the sign-in form, as a person does. */
export async function signInInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

export type SignInOutcome = { ok: true } | { ok: false; code: string };

/**
 * Signs in with the credentials provider the way the sign-in form does (CSRF
 * token, then the form post), without a browser. The session cookie lands in
 * `request`'s cookie jar, which is the browser's when `request` is
 * `context.request`. Returns why the callback refused, when it did.
 */
export async function trySignIn(request: APIRequestContext, email: string, password: string): Promise<SignInOutcome> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.ok(), `GET /api/auth/csrf answered ${csrf.status()}`).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, callbackUrl: "/" },
    maxRedirects: 0,
  });
  // Auth.js answers a form post with a redirect: to the callback URL on success,
  // to the sign-in page with ?error=…&code=… on refusal.
  expect([302, 303], `credentials callback answered ${res.status()}`).toContain(res.status());
  const location = new URL(res.headers()["location"] ?? "", "http://placeholder");
  const error = location.searchParams.get("error");
  if (error) return { ok: false, code: location.searchParams.get("code") ?? error };
  return { ok: true };
}

/** Signs in and fails the test if the credentials are refused. */
export async function signInViaApi(request: APIRequestContext, email: string, password: string): Promise<void> {
  const outcome = await trySignIn(request, email, password);
  expect(outcome, `sign-in as ${email}`).toEqual({ ok: true });
  const me = await request.get("/api/v1/me");
  expect(me.status(), `GET /api/v1/me after signing in as ${email}`).toBe(200);
}

/** Reads a JSON body after checking the status, with the body in the failure message. */
export async function expectJson<T = any>(res: APIResponse, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status(), `${res.url()} → ${res.status()}: ${text.slice(0, 500)}`).toBe(status);
  expect(res.headers()["content-type"] ?? "").toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

/** Checks the admin API's error shape and returns the error. */
export async function expectApiError(
  res: APIResponse,
  status: number,
  code?: string,
): Promise<{ code: string; message: string; fields?: Record<string, string[]> }> {
  const body = await expectJson<{ error: { code: string; message: string; fields?: Record<string, string[]> } }>(res, status);
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

export type SeededTenant = { id: string; slug: string; name: string };

/** Creates a tenant with a random slug owned by the signed-in user behind `ownerRequest`. */
export async function seedTenant(ownerRequest: APIRequestContext, name?: string): Promise<SeededTenant> {
  const slug = randomSlug("e2e");
  const tenantName = name ?? `Tenant ${slug}`;
  const res = await ownerRequest.post("/api/v1/tenants", { data: { slug, name: tenantName } });
  const { tenant } = await expectJson<{ tenant: SeededTenant & { role: string } }>(res, 201);
  expect(tenant.slug).toBe(slug);
  expect(tenant.role).toBe("owner");
  return { id: tenant.id, slug: tenant.slug, name: tenant.name };
}

export type SeededMember = { name: string; email: string; password: string; userId: string; membershipId: string; role: string };

/**
 * Adds a new person to a tenant the way an admin does over the API: an
 * invitation for an unknown email, accepted by creating the account.
 */
export async function seedMember(ownerRequest: APIRequestContext, slug: string, role: string): Promise<SeededMember> {
  const email = randomEmail(role);
  const name = `${role[0]!.toUpperCase()}${role.slice(1)} ${email.slice(role.length + 1, role.length + 6)}`;
  const password = randomPassword();
  const added = await ownerRequest.post(`/api/v1/tenants/${slug}/members`, { data: { email, role } });
  const { invitation } = await expectJson<{ invitation?: { token: string; url: string } }>(added, 201);
  expect(invitation?.token, "a new email gets an invitation").toBeTruthy();

  const accepted = await ownerRequest.post(`/api/v1/invitations/${invitation!.token}/accept`, { data: { name, password } });
  const { user } = await expectJson<{ user: { id: string } }>(accepted, 201);

  const list = await expectJson<{ members: Array<{ id: string; userId: string; role: string }> }>(
    await ownerRequest.get(`/api/v1/tenants/${slug}/members`),
    200,
  );
  const membership = list.members.find((m) => m.userId === user.id);
  expect(membership?.role).toBe(role);
  return { name, email, password, userId: user.id, membershipId: membership!.id, role };
}

type Fixtures = {
  /** An API context signed in as the first owner. */
  ownerApi: APIRequestContext;
  /** Opens a fresh API context (own cookie jar), signed in when credentials are given; disposed after the test. */
  newApi: (credentials?: { email: string; password: string }) => Promise<APIRequestContext>;
};

export const test = base.extend<Fixtures>({
  newApi: async ({ playwright, baseURL }, use) => {
    const opened: APIRequestContext[] = [];
    await use(async (credentials) => {
      const ctx = await playwright.request.newContext({ baseURL });
      opened.push(ctx);
      if (credentials) await signInViaApi(ctx, credentials.email, credentials.password);
      return ctx;
    });
    for (const ctx of opened) await ctx.dispose();
  },
  ownerApi: async ({ newApi }, use) => {
    await use(await newApi({ email: OWNER.email, password: OWNER.password }));
  },
});

export { expect };
