import { describe, expect, it } from "vitest";
import { AppError, ERROR_STATUS, isAppError, notFound, type ErrorCode } from "./errors";

describe("AppError", () => {
  it.each([
    ["invalid_request", 400],
    ["validation_failed", 422],
    ["unauthorized", 401],
    ["forbidden", 403],
    ["not_found", 404],
    ["method_not_allowed", 405],
    ["conflict", 409],
    ["payload_too_large", 413],
    ["unsupported_media_type", 415],
    ["rate_limited", 429],
    ["internal", 500],
    ["unavailable", 503],
  ] as const)("maps %s to HTTP %i", (code, status) => {
    expect(new AppError(code, "x").status).toBe(status);
  });

  it("has a status for every code", () => {
    expect(Object.keys(ERROR_STATUS)).toHaveLength(12);
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) expect(new AppError(code, "x").status).toBeGreaterThanOrEqual(400);
  });

  it("is an Error carrying its code, message, fields and retry hint", () => {
    const e = new AppError("rate_limited", "Slow down.", { retryAfterSeconds: 7, fields: { email: ["Too many tries."] } });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: "AppError", code: "rate_limited", message: "Slow down.", retryAfterSeconds: 7, fields: { email: ["Too many tries."] } });
    expect(e.stack).toContain("AppError");
  });

  it("leaves fields and retry hint unset when not given", () => {
    const e = new AppError("conflict", "Taken.");
    expect(e.fields).toBeUndefined();
    expect(e.retryAfterSeconds).toBeUndefined();
  });
});

describe("notFound", () => {
  it("says what was not found, as a 404", () => {
    expect(notFound("The member")).toMatchObject({ code: "not_found", status: 404, message: "The member was not found." });
  });
});

describe("isAppError", () => {
  it("tells AppErrors from anything else", () => {
    expect(isAppError(new AppError("internal", "x"))).toBe(true);
    expect(isAppError(new Error("x"))).toBe(false);
    expect(isAppError({ code: "not_found", message: "looks alike" })).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});
