const cache = new Map<string, RegExp>();

/**
 * Matches a name against a glob: `*` is any run of characters (also none),
 * `?` exactly one; everything else is literal and case-sensitive.
 */
export function globMatch(pattern: string, name: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "s");
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}
