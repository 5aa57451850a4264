import type { ActionState } from "@/lib/actions";
import { Alert } from "./alert";

/**
 * The form-level error of a failed action. When the failure is about fields the
 * form shows, the messages sit beside those fields and this only points at them;
 * messages for fields the form does not show are listed here.
 */
export function FormError({ state, fields = [], className }: { state: ActionState | undefined; fields?: readonly string[]; className?: string }) {
  if (!state || state.ok) return null;
  const fieldErrors = Object.entries(state.fields ?? {});
  const shown = fieldErrors.filter(([k]) => fields.includes(k));
  const other = fieldErrors.filter(([k]) => !fields.includes(k)).flatMap(([, msgs]) => msgs);
  let message: string;
  if (shown.length > 0 && state.code === "validation_failed") {
    message = shown.length === 1 && other.length === 0 ? "Check the field marked below." : "Check the fields marked below.";
    if (other.length) message += ` ${other.join(" ")}`;
  } else {
    message = state.error;
  }
  return (
    <Alert tone="error" className={className}>
      {message}
    </Alert>
  );
}

/** The errors of one field from a failed action, if any. */
export function fieldErrors(state: ActionState | undefined, name: string): string[] | undefined {
  return state && !state.ok ? state.fields?.[name] : undefined;
}

/** A value typed before a failed submit, to refill the field. */
export function typed(state: ActionState | undefined, name: string, fallback = ""): string {
  return (state && !state.ok ? state.values?.[name] : undefined) ?? fallback;
}
