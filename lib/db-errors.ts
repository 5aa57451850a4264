/** True when `e` (or the driver error it wraps) is a unique-constraint violation, optionally on one constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const err = cur as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (err.code === "23505") return constraint === undefined || err.constraint === constraint;
    cur = err.cause;
  }
  return false;
}
