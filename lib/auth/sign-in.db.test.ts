import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { expectAppError } from "@/test/assertions";
import { createTestUser, randomEmail } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { resolveOidcUser } from "./oidc";
import { FREE_FAILURES, INVALID_CREDENTIALS, verifyCredentials } from "./sign-in";

const WRONG = "this is not the password";

async function fail(email: string, times: number, password = WRONG) {
  for (let i = 0; i < times; i++) await expectAppError(verifyCredentials(email, password), "unauthorized", INVALID_CREDENTIALS);
}

/** Lets a lock run out without waiting for it. */
const expireLock = (email: string) =>
  superuserQuery("update sign_in_throttle set locked_until = now() - interval '1 second' where email = $1", [email.toLowerCase()]);

const throttleRow = async (email: string) =>
  (await superuserQuery<{ failures: number }>("select failures from sign_in_throttle where email = $1", [email.toLowerCase()]))[0];

describe("verifyCredentials", () => {
  it("returns the user for the right email and password", async () => {
    const user = await createTestUser();
    expect((await verifyCredentials(user.email, user.password)).id).toBe(user.id);
  });

  it("treats the email case- and space-insensitively", async () => {
    const user = await createTestUser();
    expect((await verifyCredentials(`  ${user.email.toUpperCase()} `, user.password)).id).toBe(user.id);
  });

  it("gives the same error for a wrong password and an unknown email", async () => {
    const user = await createTestUser();
    const wrongPassword = await expectAppError(verifyCredentials(user.email, WRONG), "unauthorized");
    const unknownEmail = await expectAppError(verifyCredentials(randomEmail("ghost"), user.password), "unauthorized");

    expect(wrongPassword.message).toBe(INVALID_CREDENTIALS);
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.fields).toBeUndefined();
    expect(wrongPassword.fields).toBeUndefined();
  });

  it.each([
    ["an empty email", "", "whatever password"],
    ["an empty password", "someone@example.com", ""],
  ])("gives the same error for %s", async (_label, email, password) => {
    await expectAppError(verifyCredentials(email, password), "unauthorized", INVALID_CREDENTIALS);
  });

  it("refuses a password for an account that signs in only by SSO", async () => {
    const email = randomEmail("sso");
    await resolveOidcUser({ issuer: "https://idp.example.com", subject: `sub-${email}`, email, emailVerified: true });
    await expectAppError(verifyCredentials(email, ""), "unauthorized", INVALID_CREDENTIALS);
    await expectAppError(verifyCredentials(email, "any password at all"), "unauthorized", INVALID_CREDENTIALS);
  });

  it(`after ${FREE_FAILURES} failures refuses even the right password, saying when to retry`, async () => {
    const user = await createTestUser();
    await fail(user.email, FREE_FAILURES);

    const error = await expectAppError(verifyCredentials(user.email, user.password), "rate_limited", /^Too many failed sign-ins\. Try again in [12] seconds?\.$/);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(2);
    // A locked attempt is not counted as another failure.
    expect((await throttleRow(user.email))?.failures).toBe(FREE_FAILURES);
  });

  it(`checks at most ${FREE_FAILURES} passwords of a burst of simultaneous attempts, refusing the rest`, async () => {
    const user = await createTestUser();
    const burst = 3 * FREE_FAILURES;

    const results = await Promise.allSettled(Array.from({ length: burst }, () => verifyCredentials(user.email, WRONG)));

    const codes = results.map((r) => (r.status === "rejected" && isAppError(r.reason) ? r.reason.code : String(r.status)));
    // Sending guesses in parallel must not buy more guesses than sending them one by one.
    expect(codes.filter((c) => c === "unauthorized").length).toBeLessThanOrEqual(FREE_FAILURES);
    expect(codes.filter((c) => c !== "unauthorized" && c !== "rate_limited")).toEqual([]);
  });

  it("counts failures per email whatever its case, and locks no one else", async () => {
    const user = await createTestUser();
    const bystander = await createTestUser();
    await fail(user.email.toUpperCase(), 2);
    await fail(` ${user.email} `, FREE_FAILURES - 2);

    await expectAppError(verifyCredentials(user.email, user.password), "rate_limited");
    expect((await verifyCredentials(bystander.email, bystander.password)).id).toBe(bystander.id);
  });

  it("locks an unknown email the same way as a known one", async () => {
    const email = randomEmail("ghost");
    await fail(email, FREE_FAILURES);
    await expectAppError(verifyCredentials(email, WRONG), "rate_limited");
  });

  it("lets the right password in once the lock has run out, and starts counting afresh", async () => {
    const user = await createTestUser();
    await fail(user.email, FREE_FAILURES);
    await expireLock(user.email);

    expect((await verifyCredentials(user.email, user.password)).id).toBe(user.id);

    expect(await throttleRow(user.email)).toBeUndefined();
    await fail(user.email, FREE_FAILURES - 1);
    expect((await verifyCredentials(user.email, user.password)).id).toBe(user.id);
  });

  it("resets the count on success before the lock point", async () => {
    const user = await createTestUser();
    await fail(user.email, FREE_FAILURES - 1);
    await verifyCredentials(user.email, user.password);
    await fail(user.email, FREE_FAILURES - 1);
    // Eight failures in all, but never five in a row.
    expect((await verifyCredentials(user.email, user.password)).id).toBe(user.id);
  });

  it("locks longer after each further failure", async () => {
    const user = await createTestUser();
    await fail(user.email, FREE_FAILURES);
    await expireLock(user.email);
    await fail(user.email, 1);

    const error = await expectAppError(verifyCredentials(user.email, user.password), "rate_limited");
    expect(error.retryAfterSeconds).toBeGreaterThan(2);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(4);
  });

  it("forgets failures older than an hour", async () => {
    const user = await createTestUser();
    await fail(user.email, FREE_FAILURES - 1);
    await superuserQuery("update sign_in_throttle set last_failure_at = now() - interval '2 hours' where email = $1", [user.email]);

    await fail(user.email, 1);

    expect((await throttleRow(user.email))?.failures).toBe(1);
    expect((await verifyCredentials(user.email, user.password)).id).toBe(user.id);
  });
});
