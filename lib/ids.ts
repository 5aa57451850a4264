import { randomInt } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export const ID_PREFIXES = {
  user: "usr",
  tenant: "tnt",
  membership: "mem",
  invitation: "inv",
  adminToken: "tok",
  identity: "idn",
  server: "srv",
  agent: "agt",
  agentKey: "key",
  role: "rol",
  rule: "rul",
  session: "ses",
  event: "evt",
  approval: "apr",
  vote: "vot",
  delivery: "whd",
  checkpoint: "chk",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Uniformly random base62 string (no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(20)}`;
}
