import { describe, expect, it } from "vitest";
import { expectAppError } from "@/test/assertions";
import { createTestUser, randomEmail, uniqueSuffix } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { resolveOidcUser, type OidcProfile } from "./oidc";
import { findUserByEmail } from "./users";

const ISSUER = "https://idp.example.com";
const UNVERIFIED = "Your identity provider did not confirm a verified email address.";

const profile = (overrides: Partial<OidcProfile> = {}): OidcProfile => ({
  issuer: ISSUER,
  subject: `sub-${uniqueSuffix()}`,
  email: randomEmail("sso"),
  emailVerified: true,
  name: "Sam Single",
  ...overrides,
});

const identitiesOf = async (userId: string) =>
  superuserQuery<{ issuer: string; subject: string }>("select issuer, subject from user_identities where user_id = $1 order by created_at", [userId]);

const identitiesFor = async (issuer: string, subject: string) =>
  Number((await superuserQuery<{ n: number }>("select count(*)::int as n from user_identities where issuer = $1 and subject = $2", [issuer, subject]))[0]!.n);

describe("resolveOidcUser", () => {
  it("creates a password-less user for a new verified email and links the identity", async () => {
    const p = profile({ email: randomEmail("NEW").toUpperCase() });

    const user = await resolveOidcUser(p);

    expect(user).toMatchObject({ email: p.email!.toLowerCase(), name: "Sam Single", passwordHash: null });
    expect(await identitiesOf(user.id)).toEqual([{ issuer: ISSUER, subject: p.subject }]);
  });

  it("names the user after the email's local part when the provider gives no name", async () => {
    const email = randomEmail("nameless");
    const user = await resolveOidcUser(profile({ email, name: "  " }));
    expect(user.name).toBe(email.split("@")[0]);
  });

  it("returns the same user for the same issuer and subject, even if the email changed", async () => {
    const p = profile();
    const first = await resolveOidcUser(p);

    const again = await resolveOidcUser({ ...p, email: randomEmail("changed"), emailVerified: false });

    expect(again.id).toBe(first.id);
    expect(await identitiesOf(first.id)).toHaveLength(1);
  });

  it("links a verified email to the existing account with that email", async () => {
    const existing = await createTestUser();
    const p = profile({ email: existing.email.toUpperCase() });

    const user = await resolveOidcUser(p);

    expect(user.id).toBe(existing.id);
    expect(user.passwordHash).toBe(existing.passwordHash);
    expect(await identitiesOf(existing.id)).toEqual([{ issuer: ISSUER, subject: p.subject }]);
  });

  it("treats the same subject at another issuer as another identity", async () => {
    const p = profile();
    const first = await resolveOidcUser(p);
    const other = await resolveOidcUser({ ...p, issuer: "https://other-idp.example.com", email: randomEmail("other") });
    expect(other.id).not.toBe(first.id);
  });

  it.each([
    ["unverified", { emailVerified: false }],
    ["of unknown verification", { emailVerified: null }],
    ["verified only as a string", { emailVerified: "true" as unknown as boolean }],
  ])("refuses an email that is %s and creates nothing", async (_label, overrides) => {
    const p = profile(overrides);
    await expectAppError(resolveOidcUser(p), "forbidden", UNVERIFIED);
    expect(await findUserByEmail(p.email!)).toBeUndefined();
    expect(await identitiesFor(p.issuer, p.subject)).toBe(0);
  });

  it("refuses a profile without an email and creates nothing", async () => {
    for (const email of [undefined, null, "", "   "]) {
      const p = profile({ email });
      await expectAppError(resolveOidcUser(p), "forbidden", UNVERIFIED);
      expect(await identitiesFor(p.issuer, p.subject)).toBe(0);
    }
  });

  it("never links an unverified email to an existing account", async () => {
    const existing = await createTestUser();
    const p = profile({ email: existing.email, emailVerified: false });

    await expectAppError(resolveOidcUser(p), "forbidden", UNVERIFIED);

    expect(await identitiesOf(existing.id)).toEqual([]);
    expect(await identitiesFor(p.issuer, p.subject)).toBe(0);
    // Retrying does not wear the refusal down.
    await expectAppError(resolveOidcUser(p), "forbidden");
    expect(await identitiesOf(existing.id)).toEqual([]);
  });
});
