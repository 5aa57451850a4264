import { unstable_rethrow } from "next/navigation";
import { isAppError, type ErrorCode, type FieldErrors } from "@/lib/errors";

/** What a failed server action hands back to its form: a message safe to show, per-field messages, and values to refill. */
export type ActionFailure = { ok: false; error: string; code: ErrorCode; fields?: FieldErrors; values?: Record<string, string> };

/** The state `useActionState` holds for a form: nothing yet, a success with its data, or a failure. */
export type ActionState<T extends object = object> = null | ({ ok: true } & T) | ActionFailure;

const UNEXPECTED = "Something went wrong on our side and nothing was changed. Try again; if it keeps happening, the server log has the details.";

/**
 * Runs a server action's body and translates the outcome for its form. An
 * AppError becomes `{ error, fields }`; Next's redirect and notFound pass
 * through; anything else is logged and shown as a generic message, never echoed.
 * `values` are handed back on failure so the form can refill what was typed.
 */
export async function runAction<T extends object>(body: () => Promise<T>, values?: Record<string, string>): Promise<{ ok: true } & T | ActionFailure> {
  try {
    return { ...(await body()), ok: true };
  } catch (e) {
    unstable_rethrow(e);
    if (isAppError(e)) return { ok: false, error: e.message, code: e.code, fields: e.fields, values };
    console.error("[action] unexpected error:", e);
    return { ok: false, error: UNEXPECTED, code: "internal", values };
  }
}

/** A text field of a submitted form ("" when absent or a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
