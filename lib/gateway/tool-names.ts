import { createHash } from "node:crypto";

/**
 * The names agents see for upstream tools and prompts: `<namespace>__<name>`,
 * at most 64 characters of letters, digits, `_` and `-` (the limits clients
 * enforce). Namespaces are server names (lowercase slugs, never containing
 * `__`), so the first `__` always separates them from the upstream's name.
 */
export const MAX_NAME_LENGTH = 64;
export const SEPARATOR = "__";

const VALID = /^[A-Za-z0-9_-]{1,64}$/;
const HASH_LENGTH = 6;

export function isValidExposedName(name: string): boolean {
  return VALID.test(name);
}

/**
 * The exposed name of `name` from the server with `namespace` ("" exposes it
 * unprefixed). Characters clients refuse become `_`, and a name that would
 * pass 64 characters is cut and ends in a short hash of the original, so
 * distinct upstream names stay distinct. Returns a name that always validates.
 */
export function encodeName(namespace: string, name: string): string {
  const prefix = namespace ? `${namespace}${SEPARATOR}` : "";
  const safe = name.replace(/[^A-Za-z0-9_-]/g, "_") || "_";
  const full = prefix + safe;
  if (full.length <= MAX_NAME_LENGTH && safe === name) return full;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, HASH_LENGTH);
  if (full.length <= MAX_NAME_LENGTH - HASH_LENGTH - 1) return `${full}_${hash}`;
  return `${full.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}

/**
 * Splits an exposed name at its first separator. Only a hint: the snapshot's
 * name table is the authority, since unprefixed and shortened names exist.
 */
export function splitName(exposed: string): { namespace: string; name: string } | undefined {
  const at = exposed.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  return { namespace: exposed.slice(0, at), name: exposed.slice(at + SEPARATOR.length) };
}
