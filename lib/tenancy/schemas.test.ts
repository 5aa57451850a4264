import { describe, expect, it } from "vitest";
import {
  addMemberInput,
  consoleRoleSchema,
  createTenantInput,
  emailSchema,
  passwordSchema,
  personNameSchema,
  RESERVED_SLUGS,
  slugSchema,
  tenantNameSchema,
} from "./schemas";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe("slugSchema", () => {
  it.each(["acme", "abc", "a1b", "acme-corp", "team-42-eu", "123", "a".repeat(40)])("accepts %j", (slug) => {
    expect(slugSchema.parse(slug)).toBe(slug);
  });

  it("normalises case and surrounding spaces", () => {
    expect(slugSchema.parse("  Acme-Corp ")).toBe("acme-corp");
  });

  it.each([
    ["too short", "ab", "A slug has at least 3 characters."],
    ["empty", "", "A slug has at least 3 characters."],
    ["too long", "a".repeat(41), "A slug has at most 40 characters."],
    ["a leading hyphen", "-acme", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["a trailing hyphen", "acme-", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["a double hyphen", "ac--me", "Use single hyphens only."],
    ["an underscore", "ac_me", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["a space inside", "ac me", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["a dot", "acme.io", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["a slash", "ac/me", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
    ["non-ASCII letters", "äcme", "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit."],
  ])("refuses %s", (_label, slug, message) => {
    const result = slugSchema.safeParse(slug);
    expect(result.success).toBe(false);
    expect(messages(result)).toContain(message);
  });

  it.each(["api", "setup", "sign-in", "t", "admin", "invite", "mcp", "well-known", "health", "API", " Setup "])("refuses the reserved slug %j", (slug) => {
    const result = slugSchema.safeParse(slug);
    expect(result.success).toBe(false);
    // Reserved slugs of the right shape get the reserved message.
    if (slug.trim().length >= 3) expect(messages(result)).toContain("This slug is reserved; choose another.");
  });

  it("refuses every reserved slug that is otherwise well-formed", () => {
    for (const slug of RESERVED_SLUGS) expect(slugSchema.safeParse(slug).success, slug).toBe(false);
  });

  it("refuses a non-string", () => {
    expect(slugSchema.safeParse(42).success).toBe(false);
    expect(slugSchema.safeParse(undefined).success).toBe(false);
  });
});

describe("emailSchema", () => {
  it.each(["a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie"])("accepts %j", (email) => {
    expect(emailSchema.parse(email)).toBe(email);
  });

  it("normalises case and surrounding spaces", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });

  it.each(["", "plain", "@example.com", "a@", "a@b", "a@@example.com", "a b@example.com", "a@example..com", ".a@example.com"])("refuses %j", (email) => {
    const result = emailSchema.safeParse(email);
    expect(result.success).toBe(false);
    expect(messages(result)).toContain("Enter a valid email address.");
  });

  it("refuses an address over 254 characters", () => {
    const result = emailSchema.safeParse(`${"a".repeat(64)}@${"b".repeat(190)}.com`);
    expect(result.success).toBe(false);
    expect(messages(result)).toContain("An email address has at most 254 characters.");
  });
});

describe("passwordSchema", () => {
  it("accepts 12 to 256 characters, kept exactly (no trimming)", () => {
    expect(passwordSchema.parse("a".repeat(12))).toBe("a".repeat(12));
    expect(passwordSchema.parse(" spaces kept ")).toBe(" spaces kept ");
    expect(passwordSchema.parse("x".repeat(256))).toHaveLength(256);
  });

  it("refuses 11 characters and 257", () => {
    expect(messages(passwordSchema.safeParse("a".repeat(11)))).toEqual(["A password has at least 12 characters."]);
    expect(messages(passwordSchema.safeParse("a".repeat(257)))).toEqual(["A password has at most 256 characters."]);
  });
});

describe("names and roles", () => {
  it("trims names and refuses empty or over-long ones", () => {
    expect(personNameSchema.parse("  Ada  ")).toBe("Ada");
    expect(messages(personNameSchema.safeParse("   "))).toEqual(["Enter a name."]);
    expect(messages(tenantNameSchema.safeParse(""))).toEqual(["Give the tenant a name."]);
    expect(messages(tenantNameSchema.safeParse("x".repeat(101)))).toEqual(["A name has at most 100 characters."]);
  });

  it("accepts exactly the five console roles", () => {
    for (const role of ["owner", "admin", "reviewer", "auditor", "viewer"]) expect(consoleRoleSchema.parse(role)).toBe(role);
    for (const role of ["Owner", "root", "", null]) {
      expect(messages(consoleRoleSchema.safeParse(role))).toEqual(["Choose one of: owner, admin, reviewer, auditor, viewer."]);
    }
  });

  it("names every bad field of a whole input", () => {
    const result = addMemberInput.safeParse({ email: "nope", role: "boss" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["email", "role"]);
    expect(createTenantInput.safeParse({ slug: "Acme", name: " Acme " }).data).toEqual({ slug: "acme", name: "Acme" });
  });
});
