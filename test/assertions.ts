import { expect } from "vitest";
import { AppError, type ErrorCode } from "@/lib/errors";

/**
 * Awaits `action` and asserts it failed with an AppError of `code` (and, when
 * given, a message matching `message`); returns the error for further checks.
 */
export async function expectAppError(
  action: Promise<unknown> | (() => unknown),
  code: ErrorCode,
  message?: string | RegExp,
): Promise<AppError> {
  let error: unknown;
  let settled = false;
  try {
    await (typeof action === "function" ? action() : action);
    settled = true;
  } catch (e) {
    error = e;
  }
  expect(settled, `expected an AppError "${code}", but the call succeeded`).toBe(false);
  expect(error, `expected an AppError "${code}", got ${String(error)}`).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code, appError.message).toBe(code);
  if (typeof message === "string") expect(appError.message).toBe(message);
  else if (message) expect(appError.message).toMatch(message);
  return appError;
}
