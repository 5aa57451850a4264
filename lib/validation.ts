import type { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";

/** Parses input against a schema, or throws one `validation_failed` error naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    // A bad record key (a header name, a label) says why in its nested issues, not in its own generic message.
    const messages = issue.code === "invalid_key" ? issue.issues.map((i) => i.message) : [issue.message];
    (fields[key] ??= []).push(...messages);
  }
  const summary = Object.entries(fields)
    .map(([k, msgs]) => (k === "_" ? msgs[0] : `${k}: ${msgs[0]}`))
    .join(" ");
  throw new AppError("validation_failed", summary, { fields });
}
