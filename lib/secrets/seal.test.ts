import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTempDataDir } from "@/test/database";
import { decodeEncryptionKey, loadEncryptionKey, maskSecret, sealWith, unsealWith, type KeySettings } from "./seal";

const newKey = () => decodeEncryptionKey(randomBytes(32).toString("base64"), "test key");
const CONTEXT = "tnt_acme/srv_github";
const FAILURE = "sealed credentials cannot be opened: wrong key or tampered";

describe("sealWith / unsealWith", () => {
  const key = newKey();

  it("round-trips, in the v1.<keyId>.<iv>.<ciphertext> format, without the plaintext in sight", () => {
    const sealed = sealWith(key, "ghp_supersecrettoken", CONTEXT);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]+$/);
    expect(sealed.split(".")[1]).toBe(key.id);
    expect(sealed).not.toContain("supersecret");
    expect(unsealWith(key, sealed, CONTEXT)).toBe("ghp_supersecrettoken");
    expect(unsealWith(key, sealWith(key, "", CONTEXT), CONTEXT)).toBe("");
    expect(unsealWith(key, sealWith(key, "ünïcødé ✓", CONTEXT), CONTEXT)).toBe("ünïcødé ✓");
  });

  it("uses a fresh IV every time", () => {
    expect(sealWith(key, "same", CONTEXT)).not.toBe(sealWith(key, "same", CONTEXT));
  });

  // A sealed value copied into another server's or tenant's row must not open there.
  it.each(["tnt_acme/srv_jira", "tnt_other/srv_github", "", `${CONTEXT} `])("refuses another context: %j", (context) => {
    expect(() => unsealWith(key, sealWith(key, "secret", CONTEXT), context)).toThrow(FAILURE);
  });

  it("refuses a tampered value", () => {
    const sealed = sealWith(key, "secret value", CONTEXT);
    const [version, id, iv, payload] = sealed.split(".") as [string, string, string, string];
    const bytes = Buffer.from(payload, "base64url");
    const flip = (buffer: Buffer, at: number) => Buffer.from(buffer.map((b, i) => (i === at ? b ^ 1 : b))).toString("base64url");
    const tampered = [
      [version, id, iv, flip(bytes, 0)], // ciphertext
      [version, id, iv, flip(bytes, bytes.length - 1)], // tag
      [version, id, flip(Buffer.from(iv, "base64url"), 0), payload],
      [version, id, iv, bytes.subarray(0, bytes.length - 4).toString("base64url")], // truncated tag
      [version, id, iv, ""],
      ["v2", id, iv, payload],
      [version, id, iv, payload, "extra"],
      [version, id, iv],
    ];
    for (const parts of tampered) expect(() => unsealWith(key, parts.join("."), CONTEXT)).toThrow(FAILURE);
    expect(() => unsealWith(key, "not sealed at all", CONTEXT)).toThrow(FAILURE);
  });

  it("refuses the wrong key, and its error carries no secret material", () => {
    const sealed = sealWith(key, "secret value", CONTEXT);
    const other = newKey();
    expect(() => unsealWith(other, sealed, CONTEXT)).toThrow(FAILURE);
    // Even with the key id forged to match, the wrong key cannot open it.
    const forged = sealed.replace(`.${key.id}.`, `.${other.id}.`);
    expect(() => unsealWith(other, forged, CONTEXT)).toThrow(FAILURE);
  });
});

describe("decodeEncryptionKey", () => {
  it("accepts 32 bytes in base64 or base64url and names the key by sha256", () => {
    const bytes = Buffer.from("fb".repeat(32), "hex"); // encodes with + and / in base64
    const a = decodeEncryptionKey(bytes.toString("base64"), "k");
    const b = decodeEncryptionKey(bytes.toString("base64url"), "k");
    expect(a.bytes.equals(bytes)).toBe(true);
    expect(b.bytes.equals(bytes)).toBe(true);
    expect(a.id).toBe("456a0498"); // sha256 of 32 × 0xfb, first 8 hex
    expect(b.id).toBe(a.id);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["too long", randomBytes(33).toString("base64")],
    ["hex", randomBytes(32).toString("hex")],
    ["not base64", `${"!".repeat(43)}=`],
    ["empty", ""],
  ])("refuses a key that is %s, naming its source and how to make one", (_label, text) => {
    expect(() => decodeEncryptionKey(text, "GATEHOUSE_ENCRYPTION_KEY")).toThrow(
      "GATEHOUSE_ENCRYPTION_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32).",
    );
  });
});

describe("loadEncryptionKey", () => {
  const dirs: Array<{ remove(): void }> = [];
  const tempDataDir = () => {
    const dir = createTempDataDir("seal");
    dirs.push(dir);
    return dir.dataDir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  const embedded = (dataDir: string): KeySettings => ({ GATEHOUSE_ENCRYPTION_KEY: undefined, embedded: true, dataDir });

  it("uses the configured key", () => {
    const text = randomBytes(32).toString("base64");
    const settings = { GATEHOUSE_ENCRYPTION_KEY: text, embedded: false, dataDir: "/nonexistent" };
    expect(loadEncryptionKey(settings).bytes.toString("base64")).toBe(text);
  });

  it("on the embedded default, generates a key file once (0600, in a new directory) and reuses it", () => {
    const dataDir = path.join(tempDataDir(), "nested", "data");
    const first = loadEncryptionKey(embedded(dataDir));
    const file = path.join(dataDir, "encryption.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(["encryption.key"]);
    const second = loadEncryptionKey(embedded(dataDir));
    expect(second.id).toBe(first.id);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(unsealWith(second, sealWith(first, "kept", CONTEXT), CONTEXT)).toBe("kept");
  });

  it("keeps an existing key file rather than replacing it", () => {
    const dataDir = tempDataDir();
    const text = randomBytes(32).toString("base64url");
    fs.writeFileSync(path.join(dataDir, "encryption.key"), `${text}\n`);
    expect(loadEncryptionKey(embedded(dataDir)).bytes.toString("base64url")).toBe(text);
  });

  it("refuses a corrupt key file, naming it, and leaves it in place", () => {
    const dataDir = tempDataDir();
    const file = path.join(dataDir, "encryption.key");
    fs.writeFileSync(file, "garbage");
    expect(() => loadEncryptionKey(embedded(dataDir))).toThrow(`The key file ${file} must be 32 random bytes in base64`);
    expect(fs.readFileSync(file, "utf8")).toBe("garbage");
  });

  it("requires GATEHOUSE_ENCRYPTION_KEY on PostgreSQL, saying how to make one", () => {
    const settings = { GATEHOUSE_ENCRYPTION_KEY: undefined, embedded: false, dataDir: tempDataDir() };
    expect(() => loadEncryptionKey(settings)).toThrow(
      "GATEHOUSE_ENCRYPTION_KEY is required when DATABASE_URL is set, to seal upstream credentials (generate one with: openssl rand -base64 32).",
    );
    expect(fs.readdirSync(settings.dataDir)).toEqual([]);
  });
});

describe("maskSecret", () => {
  it.each([
    ["ghp_0123456789abcdef3f9a", "••••3f9a"],
    ["123456789012", "••••9012"],
    ["12345678901", "••••"],
    ["", "••••"],
  ])("masks %j as %j", (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
});
