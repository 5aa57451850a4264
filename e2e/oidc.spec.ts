import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { expectJson, randomEmail, randomPassword, randomSlug, signInViaApi } from "./fixtures";
import { createTempDataDir } from "../test/database";

// Single sign-on against a real OpenID provider (e2e/support/oidc-idp.mjs,
// panva/oidc-provider). The suite's shared app runs without OIDC, so this spec
// starts its own: the IdP, then a second built app on its own embedded
// database, configured for that IdP and created with a known owner.

const root = path.resolve(import.meta.dirname, "..");
const CLIENT = { id: "gatehouse", secret: randomBytes(24).toString("base64url") };
const OWNER = { email: randomEmail("owner"), password: randomPassword(), slug: randomSlug("sso") };

/** The IdP's people, by subject; the login typed at the IdP is the subject. */
const ACCOUNTS = {
  ada: { email: randomEmail("ada"), email_verified: true, name: "Ada Lovelace" },
  // The owner's address as the IdP spells it: linking must not depend on case.
  olivia: { email: OWNER.email.toUpperCase(), email_verified: true, name: "Olivia (SSO)" },
  // Someone who typed the owner's address into an IdP that never checked it.
  mallory: { email: OWNER.email, email_verified: false, name: "Mallory" },
} satisfies Record<string, { email: string; email_verified: boolean; name: string }>;

type Started = { child: ChildProcess; output: string[] };
// Assigned as soon as each piece exists, so afterAll cleans up after a half-finished start.
let idp: Started | undefined;
let app: Started | undefined;
let dataDir: ReturnType<typeof createTempDataDir> | undefined;
let issuer: string;
let appUrl: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  // localhost, not 127.0.0.1: Next's NextURL rewrites 127.x hosts to "localhost"
  // in route handlers, so Auth.js would exchange the code with a redirect_uri
  // that no longer matches the one it sent to the IdP.
  const appPort = await freePort();
  appUrl = `http://localhost:${appPort}`;

  idp = start("node", [path.join(root, "e2e/support/oidc-idp.mjs")], {
    OIDC_IDP_CONFIG: JSON.stringify({
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      redirectUri: `${appUrl}/api/auth/callback/oidc`,
      accounts: ACCOUNTS,
    }),
  });
  issuer = await readIssuer(idp);

  dataDir = createTempDataDir("oidc-e2e");
  app = start("node", [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(appPort)], {
    GATEHOUSE_DATA_DIR: dataDir.dataDir,
    AUTH_SECRET: randomBytes(33).toString("base64url"),
    AUTH_URL: appUrl,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: CLIENT.id,
    OIDC_CLIENT_SECRET: CLIENT.secret,
    OIDC_NAME: "Acme SSO",
    GATEHOUSE_SETUP_EMAIL: OWNER.email,
    GATEHOUSE_SETUP_PASSWORD: OWNER.password,
    GATEHOUSE_SETUP_TENANT_SLUG: OWNER.slug,
  });
  await waitForHealth(app, appUrl, 60_000);
});

test.afterAll(async () => {
  await stop(app?.child);
  await stop(idp?.child);
  dataDir?.remove();
});

test.beforeEach(async ({ context }) => {
  // The IdP's dev pages import a web font; nothing here may leave the machine.
  await context.route(/^https?:\/\/(?!(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  await testInfo.attach("app.log", { body: app?.output.join("") ?? "" });
  await testInfo.attach("idp.log", { body: idp?.output.join("") ?? "" });
});

let adaId: string;

test("a new verified identity signs in and gets an account of its own", async ({ page }) => {
  await signInWithSso(page, "ada");
  // A brand-new user belongs to no tenant yet.
  await expect(page).toHaveURL(`${appUrl}/tenants/new`);
  const me = await getMe(page);
  expect(me.user).toMatchObject({ email: ACCOUNTS.ada.email, name: ACCOUNTS.ada.name });
  adaId = me.user.id;
});

test("the same subject signing in again is the same user", async ({ page }) => {
  expect(adaId, "the first sign-in ran").toBeTruthy();
  await signInWithSso(page, "ada");
  await expect(page).toHaveURL(`${appUrl}/tenants/new`);
  expect((await getMe(page)).user.id).toBe(adaId);
});

test("an unverified email matching an account is refused and not linked", async ({ page }) => {
  await signInWithSso(page, "mallory");
  await expect(page).toHaveURL(new RegExp(`^${appUrl}/sign-in\\?`));
  await expect(page.getByRole("main").getByRole("alert")).toContainText("verified email address");
  expect((await page.request.get(`${appUrl}/api/v1/me`)).status()).toBe(401);

  // Had the refused attempt stored the identity, this second pass (the IdP
  // remembers the session and consent) would sign in by subject alone.
  await signInWithSso(page, "mallory", { atIdp: false });
  await expect(page).toHaveURL(new RegExp(`^${appUrl}/sign-in\\?`));
  await expect(page.getByRole("main").getByRole("alert")).toContainText("verified email address");
  expect((await page.request.get(`${appUrl}/api/v1/me`)).status()).toBe(401);
});

test("a verified email matching an account links to it and opens its tenant", async ({ page, playwright }) => {
  const ownerApi = await playwright.request.newContext({ baseURL: appUrl });
  await signInViaApi(ownerApi, OWNER.email, OWNER.password);
  const owner = await expectJson<{ user: { id: string } }>(await ownerApi.get("/api/v1/me"), 200);
  await ownerApi.dispose();

  await signInWithSso(page, "olivia");
  await expect(page).toHaveURL(`${appUrl}/${OWNER.slug}`);
  const me = await getMe(page);
  expect(me.user.id).toBe(owner.user.id);
  expect(me.user.email).toBe(OWNER.email);
});

/**
 * From the app's sign-in page through the IdP and back to the app's callback.
 * `atIdp: false` when the IdP already holds a session and consent for this
 * browser and answers without showing a page.
 */
async function signInWithSso(page: Page, login: keyof typeof ACCOUNTS, { atIdp = true } = {}) {
  await page.goto(`${appUrl}/sign-in`);
  const callback = page.waitForResponse((r) => r.url().startsWith(`${appUrl}/api/auth/callback/oidc?`));
  await page.getByRole("button", { name: "Sign in with Acme SSO" }).click();
  if (atIdp) {
    await expect(page).toHaveURL(new RegExp(`^${issuer}/interaction/`));
    await page.getByPlaceholder("Enter any login").fill(login);
    await page.getByPlaceholder("and password").fill("any-password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
  }
  expect((await callback).status(), "the callback answers with a redirect").toBe(302);
}

async function getMe(page: Page) {
  return expectJson<{ kind: string; user: { id: string; email: string; name: string } }>(
    await page.request.get(`${appUrl}/api/v1/me`),
    200,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a child of this worker with a clean environment (no DATABASE_URL) plus `env`; keeps its output for failures. */
function start(command: string, args: string[], env: Record<string, string>): Started {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(command, args, { cwd: root, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  return { child, output };
}

/** The IdP prints `{"issuer":…}` once it listens. */
function readIssuer(target: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    target.child.stdout!.on("data", () => {
      const line = target.output.find((l) => l.startsWith('{"issuer"'));
      if (line) resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
    target.child.once("exit", (code) => reject(new Error(`IdP exited (${code}):\n${target.output.join("")}`)));
  });
}

async function waitForHealth(target: Started, url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (target.child.exitCode !== null) throw new Error(`app exited (${target.child.exitCode}):\n${target.output.join("")}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app not healthy after ${timeoutMs} ms:\n${target.output.join("")}`);
}

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
