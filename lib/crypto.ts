import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { randomBase62 } from "./ids";

// scrypt with N=2^15, r=8, p=1 (OWASP's minimum for scrypt) needs 32 MiB.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A self-describing scrypt hash: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** True only for the right password; a malformed or tampered stored hash is simply false. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (alg !== "scrypt" || rest.length || !salt || !hash) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(params.N) && params.N >= 1024 && params.N <= SCRYPT.N && (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 &&
    Number.isInteger(params.p) && params.p >= 1 && params.p <= 16;
  const expected = Buffer.from(hash, "base64url");
  if (!sane || expected.length !== SCRYPT.keylen) return false;
  try {
    const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, { ...params, maxmem: SCRYPT.maxmem });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

// Verifying against this when the user does not exist keeps the response time
// the same, so timing does not tell which part of the credentials was wrong.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBase62(24));
  return dummyHash;
}

/** SHA-256 hex. Only for high-entropy random secrets (tokens, keys), never passwords. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export type GeneratedSecret = { secret: string; hash: string; displayPrefix: string };

/** A random, prefixed bearer secret; the caller stores only the hash and the display prefix. */
export function generateSecret(prefix: string): GeneratedSecret {
  const secret = `${prefix}${randomBase62(40)}`;
  return { secret, hash: sha256(secret), displayPrefix: secret.slice(0, prefix.length + 6) };
}
