import { describe, expect, it } from "vitest";
import { isUniqueViolation } from "./db-errors";

const pgError = (code: string, constraint?: string) => Object.assign(new Error("duplicate key"), { code, constraint });
const wrapped = (cause: unknown, levels: number): unknown =>
  levels === 0 ? cause : new Error(`wrapper ${levels}`, { cause: wrapped(cause, levels - 1) });

describe("isUniqueViolation", () => {
  it("recognises a driver error with SQLSTATE 23505", () => {
    expect(isUniqueViolation(pgError("23505", "tenants_slug_key"))).toBe(true);
  });

  it("matches the constraint when one is asked for", () => {
    expect(isUniqueViolation(pgError("23505", "tenants_slug_key"), "tenants_slug_key")).toBe(true);
    expect(isUniqueViolation(pgError("23505", "users_email_key"), "tenants_slug_key")).toBe(false);
  });

  it.each([1, 2, 3])("finds it wrapped %i levels deep (as drizzle wraps driver errors)", (levels) => {
    expect(isUniqueViolation(wrapped(pgError("23505", "k"), levels))).toBe(true);
    expect(isUniqueViolation(wrapped(pgError("23505", "k"), levels), "k")).toBe(true);
    expect(isUniqueViolation(wrapped(pgError("23505", "k"), levels), "other")).toBe(false);
  });

  it("stops looking after four levels", () => {
    expect(isUniqueViolation(wrapped(pgError("23505"), 4))).toBe(false);
  });

  it("finds the violation under a wrapper that has a code of its own", () => {
    const outer = Object.assign(new Error("query failed", { cause: pgError("23505") }), { code: "DRIZZLE" });
    expect(isUniqueViolation(outer)).toBe(true);
  });

  it.each([
    ["a foreign-key violation", pgError("23503")],
    ["a check violation", pgError("23514")],
    ["a plain error", new Error("boom")],
    ["a code as a number", { code: 23505 }],
    ["a string", "23505"],
    ["null", null],
    ["undefined", undefined],
  ])("is false for %s", (_label, e) => {
    expect(isUniqueViolation(e)).toBe(false);
  });
});
