import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ENCRYPTION_KEY_FORMAT, env, type Env } from "@/lib/env";

/** The AES-256 key that seals upstream credentials, with the short id written into every sealed value. */
export type EncryptionKey = { id: string; bytes: Buffer };

export type KeySettings = Pick<Env, "GATEHOUSE_ENCRYPTION_KEY" | "embedded" | "dataDir">;

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const GENERATE_HINT = "generate one with: openssl rand -base64 32";

/** Decodes a base64 or base64url key of exactly 32 bytes; `source` names where it came from in the error. */
export function decodeEncryptionKey(text: string, source: string): EncryptionKey {
  const trimmed = text.trim();
  if (!ENCRYPTION_KEY_FORMAT.test(trimmed)) {
    throw new Error(`${source} must be 32 random bytes in base64 (${GENERATE_HINT}).`);
  }
  const bytes = Buffer.from(trimmed, "base64");
  // The id lets a later key rotation pick the right key for each sealed value.
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

/**
 * The configured key, or on the embedded default one generated once into the
 * data directory. On PostgreSQL every process must share one key, so it has to
 * be configured.
 */
export function loadEncryptionKey(settings: KeySettings): EncryptionKey {
  if (settings.GATEHOUSE_ENCRYPTION_KEY) return decodeEncryptionKey(settings.GATEHOUSE_ENCRYPTION_KEY, "GATEHOUSE_ENCRYPTION_KEY");
  if (!settings.embedded) {
    throw new Error(`GATEHOUSE_ENCRYPTION_KEY is required when DATABASE_URL is set, to seal upstream credentials (${GENERATE_HINT}).`);
  }
  const file = path.join(settings.dataDir, "encryption.key");
  if (!fs.existsSync(file)) createKeyFile(file);
  // Never replaced when unreadable: a new key would lose every credential sealed with the old one.
  return decodeEncryptionKey(fs.readFileSync(file, "utf8"), `The key file ${file}`);
}

// Written under a unique name and linked into place, so the key file appears
// whole or not at all: a racing start finds either nothing or the winner's
// complete key, never two keys and never a half-written one.
function createKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(draft, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(draft, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

// On globalThis, not in module scope: Next.js can load this module more than
// once per process (separate bundles, dev reloads), and they must share one key.
const cache = globalThis as typeof globalThis & { gatehouseEncryptionKey?: EncryptionKey };

function currentKey(): EncryptionKey {
  return (cache.gatehouseEncryptionKey ??= loadEncryptionKey(env));
}

/**
 * A key for another purpose (e.g. signing audit checkpoints), derived from the
 * encryption key with HKDF: it lives where that key lives, outside the
 * database, and needs no configuration of its own.
 */
export function derivedKey(purpose: string): EncryptionKey {
  const bytes = Buffer.from(hkdfSync("sha256", currentKey().bytes, Buffer.alloc(0), `gatehouse ${purpose}`, 32));
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

/** Encrypts with AES-256-GCM; `context` is authenticated, so the value opens only with the same context. */
export function sealWith(key: EncryptionKey, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, key.id, iv.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function unsealWith(key: EncryptionKey, sealed: string, context: string): string {
  const [version, keyId, iv, payload, ...rest] = sealed.split(".");
  try {
    if (version !== VERSION || keyId !== key.id || !iv || !payload || rest.length) throw new Error();
    const data = Buffer.from(payload, "base64url");
    // authTagLength pins the tag to 16 bytes; without it GCM would accept a truncated, forgeable tag.
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("sealed credentials cannot be opened: wrong key or tampered");
  }
}

/** Seals an upstream credential for storage; `context` is `${tenantId}/${serverId}`. */
export function seal(plaintext: string, context: string): string {
  return sealWith(currentKey(), plaintext, context);
}

/** Opens a value sealed with `seal` under the same context; throws without revealing anything otherwise. */
export function unseal(sealed: string, context: string): string {
  return unsealWith(currentKey(), sealed, context);
}

/** A display form of a secret: `••••3f9a`, showing the last 4 characters only of a secret long enough to spare them. */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `••••${secret.slice(-4)}` : "••••";
}
