import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dummyPasswordHash, generateSecret, hashPassword, sha256, verifyPassword } from "./crypto";

describe("hashPassword / verifyPassword", () => {
  it("writes a self-describing scrypt hash with a 16-byte salt and a 32-byte key", async () => {
    const hash = await hashPassword("correct horse battery staple");
    const [alg, n, r, p, salt, key, ...rest] = hash.split("$");
    expect([alg, n, r, p]).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(salt!, "base64url")).toHaveLength(16);
    expect(Buffer.from(key!, "base64url")).toHaveLength(32);
    expect(rest).toEqual([]);
    expect(hash).not.toContain("correct horse");
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPassword("Correct horse battery staple", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("normalises Unicode (NFKC), so the same password typed differently still matches", async () => {
    const composed = "caf\u00e9 ﬁligree passphrase"; // é as one code point, "ﬁ" ligature
    const decomposed = "cafe\u0301 filigree passphrase";
    const hash = await hashPassword(composed);
    expect(await verifyPassword(decomposed, hash)).toBe(true);
    expect(await verifyPassword("cafe filigree passphrase", hash)).toBe(false);
  });

  it("honours the parameters stored in the hash", async () => {
    // A hash written with other (weaker) parameters still verifies.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("old password here", salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = ["scrypt", 1024, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    expect(await verifyPassword("old password here", stored)).toBe(true);
    expect(await verifyPassword("new password here", stored)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["no separators", "plaintext-password"],
    ["another algorithm", "bcrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA"],
    ["missing parts", "scrypt$32768$8$1"],
    ["an empty salt", "scrypt$32768$8$1$$aGFzaGhhc2hoYXNo"],
    ["an empty key", "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$"],
  ])("returns false for a malformed stored hash: %s", async (_label, stored) => {
    expect(await verifyPassword("anything at all", stored)).toBe(false);
  });

  // A corrupted row must fail closed: never match, never crash the sign-in.
  it.each([
    ["a key that decodes to no bytes", "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$!!!"],
    ["a non-numeric N", "scrypt$abc$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNo"],
    ["an N that is no power of two", "scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNo"],
    ["an N beyond the memory limit", "scrypt$1048576$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNo"],
  ])("returns false, without throwing, for a corrupted stored hash: %s", async (_label, stored) => {
    await expect(verifyPassword("anything at all", stored)).resolves.toBe(false);
  });
});

describe("dummyPasswordHash", () => {
  it("is one valid scrypt hash per process, matching no guessable password", async () => {
    const a = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(a);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("", a)).toBe(false);
    expect(await verifyPassword("password", a)).toBe(false);
  });
});

describe("sha256", () => {
  it("is hex SHA-256", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("generateSecret", () => {
  it("prefixes 40 random base62 characters, hashes with SHA-256, and keeps a short display prefix", () => {
    const { secret, hash, displayPrefix } = generateSecret("gth_test_");
    expect(secret).toMatch(/^gth_test_[0-9A-Za-z]{40}$/);
    expect(hash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix).toBe(secret.slice(0, "gth_test_".length + 6));
    expect(displayPrefix).toHaveLength("gth_test_".length + 6);
  });

  it("never repeats", () => {
    const secrets = new Set(Array.from({ length: 2000 }, () => generateSecret("p_").secret));
    expect(secrets.size).toBe(2000);
  });
});
