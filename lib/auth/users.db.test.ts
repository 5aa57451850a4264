import { describe, expect, it } from "vitest";
import { transaction } from "@/lib/db";
import { expectAppError } from "@/test/assertions";
import { createTestUser, randomEmail, TEST_PASSWORD } from "@/test/factories";
import { resolveOidcUser } from "./oidc";
import { verifyCredentials } from "./sign-in";
import { changePassword, countUsers, endAllSessions, findUserByEmail, findUserById, insertUser } from "./users";

const NEW_PASSWORD = "a brand new passphrase";

describe("insertUser", () => {
  it("stores a normalised email and a scrypt hash, never the password", async () => {
    const email = randomEmail("Mixed");
    const user = await transaction({}, (tx) => insertUser(tx, { email: ` ${email.toUpperCase()} `, name: " Ada ", password: TEST_PASSWORD }));
    expect(user).toMatchObject({ email: email.toLowerCase(), name: "Ada" });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it("refuses an email that is taken in any case, and creates nothing", async () => {
    const existing = await createTestUser();
    const before = await countUsers();
    await expectAppError(createTestUser({ email: existing.email.toUpperCase() }), "conflict", "An account with this email already exists. Sign in instead.");
    expect(await countUsers()).toBeGreaterThanOrEqual(before);
    expect((await findUserByEmail(existing.email))?.id).toBe(existing.id);
  });

  it("refuses an invalid email, empty name and short password, naming each field, and creates nothing", async () => {
    const error = await expectAppError(
      transaction({}, (tx) => insertUser(tx, { email: "nope", name: "", password: "short" })),
      "validation_failed",
    );
    expect(Object.keys(error.fields ?? {}).sort()).toEqual(["email", "name", "password"]);
    expect(await findUserByEmail("nope")).toBeUndefined();
  });
});

describe("finding users", () => {
  it("finds by email in any case, and by id", async () => {
    const user = await createTestUser();
    expect((await findUserByEmail(` ${user.email.toUpperCase()}`))?.id).toBe(user.id);
    expect((await findUserById(user.id))?.email).toBe(user.email);
    expect(await findUserByEmail(randomEmail("nobody"))).toBeUndefined();
    expect(await findUserById("usr_doesnotexist")).toBeUndefined();
    expect(await countUsers()).toBeGreaterThanOrEqual(1);
  });
});

describe("changePassword", () => {
  it("changes the password and ends earlier sessions", async () => {
    const user = await createTestUser();
    const before = (await findUserById(user.id))!;
    await new Promise((r) => setTimeout(r, 5));

    await changePassword(user.id, { currentPassword: user.password, newPassword: NEW_PASSWORD });

    const after = (await findUserById(user.id))!;
    expect(after.sessionsValidAfter.getTime()).toBeGreaterThan(before.sessionsValidAfter.getTime());
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect((await verifyCredentials(user.email, NEW_PASSWORD)).id).toBe(user.id);
    await expectAppError(verifyCredentials(user.email, user.password), "unauthorized");
  });

  it("refuses a wrong current password on its field and changes nothing", async () => {
    const user = await createTestUser();
    const before = (await findUserById(user.id))!;

    const error = await expectAppError(
      changePassword(user.id, { currentPassword: "not my password", newPassword: NEW_PASSWORD }),
      "validation_failed",
      "The current password is not correct.",
    );

    expect(error.fields).toEqual({ currentPassword: ["The current password is not correct."] });
    const after = (await findUserById(user.id))!;
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionsValidAfter).toEqual(before.sessionsValidAfter);
  });

  it.each([
    ["a new password that is too short", { newPassword: "short" }, "newPassword", "A password has at least 12 characters."],
    ["a new password equal to the current one", { newPassword: TEST_PASSWORD }, "newPassword", "The new password must differ from the current one."],
    ["an empty current password", { currentPassword: "" }, "currentPassword", "Enter your current password."],
  ])("refuses %s and changes nothing", async (_label, override, field, message) => {
    const user = await createTestUser();
    const before = (await findUserById(user.id))!;
    const error = await expectAppError(
      changePassword(user.id, { currentPassword: user.password, newPassword: NEW_PASSWORD, ...override }),
      "validation_failed",
    );
    expect(error.fields?.[field]).toEqual([message]);
    expect((await findUserById(user.id))!.passwordHash).toBe(before.passwordHash);
  });

  it("refuses an account without a password (SSO only)", async () => {
    const email = randomEmail("sso");
    const user = await resolveOidcUser({ issuer: "https://idp.example.com", subject: `sub-${email}`, email, emailVerified: true });
    await expectAppError(changePassword(user.id, { currentPassword: "anything", newPassword: NEW_PASSWORD }), "validation_failed");
    expect((await findUserById(user.id))!.passwordHash).toBeNull();
  });

  it("is not found for an unknown user", async () => {
    await expectAppError(changePassword("usr_doesnotexist", { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }), "not_found");
  });
});

describe("endAllSessions", () => {
  it("moves the session cut-off to now and leaves the password alone", async () => {
    const user = await createTestUser();
    const before = (await findUserById(user.id))!;
    await new Promise((r) => setTimeout(r, 5));

    await endAllSessions(user.id);

    const after = (await findUserById(user.id))!;
    expect(after.sessionsValidAfter.getTime()).toBeGreaterThan(before.sessionsValidAfter.getTime());
    expect(after.passwordHash).toBe(before.passwordHash);
  });
});
