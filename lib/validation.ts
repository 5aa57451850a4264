import type { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";

/** Parses input against a schema, or throws one `validation_failed` error naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fields[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fields)
    .map(([k, msgs]) => (k === "_" ? msgs[0] : `${k}: ${msgs[0]}`))
    .join(" ");
  throw new AppError("validation_failed", summary, { fields });
}
