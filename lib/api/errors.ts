import { AppError, isAppError } from "@/lib/errors";

export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string[]> } };

/** The admin API's one translation of errors into HTTP: AppErrors as they are, anything else logged and hidden. */
export function errorResponse(e: unknown): Response {
  if (!isAppError(e)) {
    console.error("[api] unexpected error:", e);
    e = new AppError("internal", "Something went wrong on our side; it has been logged.");
  }
  const err = e as AppError;
  const body: ErrorBody = { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
  const headers = new Headers({ "cache-control": "no-store" });
  if (err.retryAfterSeconds) headers.set("retry-after", String(err.retryAfterSeconds));
  if (err.code === "unauthorized") headers.set("www-authenticate", 'Bearer realm="gatehouse-admin-api"');
  return Response.json(body, { status: err.status, headers });
}
