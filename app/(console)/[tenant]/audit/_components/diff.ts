/** One difference between two JSON values: where, and what it was and became (undefined: absent). */
export type Change = { path: string; before: unknown; after: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The leaves that differ between `before` and `after` of an administrative
 * change, as paths (`auth.kind`, `rules[2].effect`), in a stable order: what a
 * person reads to see what changed, without comparing two JSON blocks by eye.
 */
export function jsonChanges(before: unknown, after: unknown, path = ""): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => jsonChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => jsonChanges(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(the whole value)", before, after }];
}
