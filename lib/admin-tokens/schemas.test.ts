import { describe, expect, it } from "vitest";
import { createAdminTokenInput, tokenRoles } from "./schemas";

const messages = (input: unknown) => createAdminTokenInput.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("createAdminTokenInput", () => {
  it("defaults to the admin role and 90 days, and trims the name", () => {
    expect(createAdminTokenInput.parse({ name: "  ci " })).toEqual({ name: "ci", role: "admin", expiresInDays: 90 });
  });

  it("offers every role below owner", () => {
    expect([...tokenRoles]).toEqual(["admin", "reviewer", "auditor", "viewer"]);
    for (const role of tokenRoles) expect(createAdminTokenInput.parse({ name: "t", role }).role).toBe(role);
  });

  it("refuses the owner role: owners are people", () => {
    expect(messages({ name: "t", role: "owner" })).toEqual(["role: Choose one of: admin, reviewer, auditor, viewer."]);
  });

  it("accepts 1 to 365 days, given as a number or a form string, or null for no expiry", () => {
    expect(createAdminTokenInput.parse({ name: "t", expiresInDays: 1 }).expiresInDays).toBe(1);
    expect(createAdminTokenInput.parse({ name: "t", expiresInDays: "365" }).expiresInDays).toBe(365);
    expect(createAdminTokenInput.parse({ name: "t", expiresInDays: null }).expiresInDays).toBeNull();
  });

  it.each([
    [0, "expiresInDays: A token lives at least 1 day."],
    [-5, "expiresInDays: A token lives at least 1 day."],
    [366, "expiresInDays: A token lives at most 365 days."],
    [2.5, "expiresInDays: Enter a whole number of days."],
    ["ten", "expiresInDays: Enter a number of days."],
  ])("refuses expiresInDays %j", (days, message) => {
    expect(messages({ name: "t", expiresInDays: days })).toEqual([message]);
  });

  it("refuses an empty or over-long name", () => {
    expect(messages({ name: "  " })).toEqual(["name: Give the token a name."]);
    expect(messages({ name: "x".repeat(101) })).toEqual(["name: A name has at most 100 characters."]);
  });
});
