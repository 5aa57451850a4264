import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/canonical-json";
import { auditFailureText, DEFAULT_RECORDING, isInfrastructureFailure, MAX_STORED_ARGUMENT_BYTES, sqlState, storedArguments, storedPayloads, type AuditRecording } from "./events";
import { compileRedactor } from "./redact";

const recording = (resultMaxBytes: number, rules: { path: string }[] = []): AuditRecording => ({
  ...DEFAULT_RECORDING,
  resultMaxBytes,
  redactor: compileRedactor({ detectors: ["email", "card"], fieldRules: rules }),
});
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("stored payloads", () => {
  it("keeps a small result whole, redacted, with the size and hash of the original", () => {
    const result = { content: [{ type: "text", text: "mail ada@example.com" }], isError: false };
    const stored = storedPayloads({ arguments: { to: "bob@example.com", password: "p" }, result }, recording(1024));
    expect(stored).toEqual({
      arguments: { to: "[REDACTED:pii:email]", password: "[REDACTED:field:password]" },
      result: { content: [{ type: "text", text: "mail [REDACTED:pii:email]" }], isError: false },
      resultBytes: Buffer.byteLength(JSON.stringify(result)),
      resultHash: sha256(canonicalJson(result)),
      resultTruncated: false,
      redactions: [
        { path: "args.to", reason: "pii:email" },
        { path: "args.password", reason: "field:password" },
        { path: "result.content[0].text", reason: "pii:email" },
      ],
    });
  });

  it("stores nothing of a result when there is none (a listing, a failure)", () => {
    expect(storedPayloads({ arguments: { a: 1 } }, DEFAULT_RECORDING)).toMatchObject({ result: null, resultBytes: null, resultHash: null, resultTruncated: null, redactions: null });
    expect(storedPayloads({}, DEFAULT_RECORDING).arguments).toBeNull();
  });

  it("cuts a long result to a marker whose JSON fits the limit: a redacted preview, the full size and hash", () => {
    const secret = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    const text = `"quoted"\n${secret} ${"é".repeat(5000)} 😀`.repeat(20);
    const result = { content: [{ type: "text", text }] };
    for (const limit of [1024, 2000, 4096]) {
      const stored = storedPayloads({ result }, recording(limit));
      expect(stored.resultTruncated).toBe(true);
      expect(stored.resultBytes).toBe(Buffer.byteLength(JSON.stringify(result)));
      expect(stored.resultHash).toBe(sha256(canonicalJson(result)));
      const json = JSON.stringify(stored.result);
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(limit);
      expect(Buffer.byteLength(json)).toBeGreaterThan(limit * 0.9);
      const marker = stored.result as { _truncated: boolean; _bytes: number; _sha256: string; _preview: string };
      expect(marker).toMatchObject({ _truncated: true, _bytes: stored.resultBytes, _sha256: stored.resultHash });
      expect(marker._preview.startsWith('{"content":[{"type":"text","text":"\\"quoted\\"\\n[REDACTED:secret:stripe_key]')).toBe(true);
      expect(json).not.toContain("51HxYz");
      // No lone surrogate that jsonb would refuse.
      expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(marker._preview)).toBe(false);
    }
  });

  it("measures the limit after redaction: a field rule can bring a result under it", () => {
    const result = { content: [{ type: "text", text: "x".repeat(5000) }] };
    expect(storedPayloads({ result }, recording(1024)).resultTruncated).toBe(true);
    const masked = storedPayloads({ result }, recording(1024, [{ path: "result.content[*].text" }]));
    expect(masked).toMatchObject({ resultTruncated: false, result: { content: [{ type: "text", text: "[REDACTED:rule:result.content[*].text]" }] } });
    expect(masked.resultBytes).toBeGreaterThan(5000);
  });

  it("treats oversized arguments the same way, with their size and hash in the marker", () => {
    const args = { table: "x".repeat(MAX_STORED_ARGUMENT_BYTES + 10) };
    const stored = storedPayloads({ arguments: args }, DEFAULT_RECORDING);
    expect(stored.arguments).toMatchObject({ _truncated: true, _bytes: Buffer.byteLength(JSON.stringify(args)), _sha256: sha256(canonicalJson(args)) });
    expect(Buffer.byteLength(JSON.stringify(stored.arguments))).toBeLessThanOrEqual(MAX_STORED_ARGUMENT_BYTES);
  });

  it("bounds the work on a huge result: 5 MB in well under a second", () => {
    const result = { content: Array.from({ length: 5000 }, (_, i) => ({ type: "text", text: `${i} ${"lorem ipsum dolor ".repeat(55)}` })) };
    expect(JSON.stringify(result).length).toBeGreaterThan(5_000_000);
    const started = performance.now();
    const stored = storedPayloads({ result }, DEFAULT_RECORDING);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(stored.resultTruncated).toBe(true);
  });
});

describe("what a failed write may say", () => {
  it("the database's code and message, never the query's parameters", () => {
    const pgError = Object.assign(new Error("audit writes are refused for this tenant\nDETAIL: x"), { code: "P0001" });
    const drizzleError = Object.assign(new Error('Failed query: insert into audit_events ...\nparams: {"card":"4111111111111111"}'), { cause: pgError });
    expect(auditFailureText(drizzleError)).toBe("database error P0001: audit writes are refused for this tenant");
    expect(auditFailureText(new Error('params: {"secret":"x"}'))).toBe("Error while writing the audit event");
  });
});

describe("which failed writes are the database's own state", () => {
  /** As drizzle throws them: a wrapper whose cause is the driver's error. */
  const wrapped = (cause: object) => Object.assign(new Error("Failed query: insert into audit_events … params: …"), { cause });
  const pg = (code: string) => wrapped(Object.assign(new Error("x"), { code }));

  it("connection, resources and operator intervention (classes 08, 53, 57) and a broken pool or socket are", () => {
    for (const code of ["08006", "08001", "53100", "53300", "57P01", "57014"]) expect(isInfrastructureFailure(pg(code)), code).toBe(true);
    expect(isInfrastructureFailure(wrapped(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })))).toBe(true);
    expect(isInfrastructureFailure(wrapped(new Error("Connection terminated unexpectedly")))).toBe(true);
    expect(isInfrastructureFailure(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("data errors, constraint and trigger errors, and anything unknown are not", () => {
    for (const code of ["22021", "22P05", "23505", "23514", "P0001", "40001", "XX000"]) expect(isInfrastructureFailure(pg(code)), code).toBe(false);
    expect(isInfrastructureFailure(new TypeError("Cannot convert a BigInt value to a number"))).toBe(false);
    expect(isInfrastructureFailure("a string")).toBe(false);
  });

  it("the SQLSTATE is found down the causes, and a socket's code is none", () => {
    expect(sqlState(pg("22021"))).toBe("22021");
    expect(sqlState(wrapped(Object.assign(new Error("x"), { code: "EPIPE" })))).toBeUndefined();
    expect(sqlState(new Error("x"))).toBeUndefined();
  });
});

describe("stored arguments (also what reviewers of an approval see)", () => {
  it("are redacted, and cut to a marker past the limit with little work", () => {
    expect(storedArguments({ password: "p", note: "ada@example.com" }, recording(1024))).toEqual({
      value: { password: "[REDACTED:field:password]", note: "[REDACTED:pii:email]" },
      redactions: [
        { path: "args.password", reason: "field:password" },
        { path: "args.note", reason: "pii:email" },
      ],
    });
    const huge = { text: "eyJ_".repeat(1_000_000) };
    const started = performance.now();
    const { value } = storedArguments(huge, recording(1024));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(value).toMatchObject({ _truncated: true, _bytes: Buffer.byteLength(JSON.stringify(huge)) });
    expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThanOrEqual(MAX_STORED_ARGUMENT_BYTES);
  });
});
