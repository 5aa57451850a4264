import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./sign";

const SECRET = "whsec_0123456789abcdefghijklmnopqrstuv";
const BODY = JSON.stringify({ id: "whd_1", type: "approval.requested", data: { tool: "create_issue", note: "ünïcødé ✓" } });
const T = 1_760_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe("signWebhook", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256(secret, '<t>.<body>')>", () => {
    const expected = createHmac("sha256", SECRET).update(`${T}.${BODY}`, "utf8").digest("hex");
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it("signs bytes and the same text alike", () => {
    expect(signWebhook(SECRET, Buffer.from(BODY, "utf8"), T)).toBe(signWebhook(SECRET, BODY, T));
  });

  it("uses the current time by default", () => {
    const t = Number(/^t=(\d+),/.exec(signWebhook(SECRET, BODY))![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("verifyWebhookSignature", () => {
  const header = signWebhook(SECRET, BODY, T);

  it("accepts the signature of the body, within the tolerance either way", () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T) })).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), { now: at(T + 300) })).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T - 300) })).toBe(true);
  });

  it("rejects a tampered body", () => {
    expect(verifyWebhookSignature(SECRET, header, BODY.replace("create_issue", "delete_repo"), { now: at(T) })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, { now: at(T) })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, JSON.stringify(JSON.parse(BODY), null, 2), { now: at(T) })).toBe(false);
  });

  it("rejects another secret", () => {
    expect(verifyWebhookSignature(`${SECRET}x`, header, BODY, { now: at(T) })).toBe(false);
    expect(verifyWebhookSignature("", header, BODY, { now: at(T) })).toBe(false);
  });

  it("rejects an old or future timestamp, and honours a custom tolerance", () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T + 301) })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T - 301) })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T + 3600), toleranceSeconds: 3600 })).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: at(T + 10), toleranceSeconds: 5 })).toBe(false);
  });

  it("rejects a timestamp changed to look fresh: it is signed too", () => {
    const replayed = header.replace(`t=${T}`, `t=${T + 1000}`);
    expect(verifyWebhookSignature(SECRET, replayed, BODY, { now: at(T + 1000) })).toBe(false);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["no timestamp", header.replace(/^t=\d+,/, "")],
    ["no signature", `t=${T}`],
    ["a short signature", `t=${T},v1=abc123`],
    ["not hex", `t=${T},v1=${"z".repeat(64)}`],
    ["a non-numeric timestamp", header.replace(`t=${T}`, "t=soon")],
    ["another scheme only", header.replace("v1=", "v0=")],
  ])("rejects a malformed header: %s", (_, value) => {
    expect(verifyWebhookSignature(SECRET, value, BODY, { now: at(T) })).toBe(false);
  });

  it("accepts any matching v1 among several, in any order, with spaces and unknown entries", () => {
    const good = header.split(",v1=")[1]!;
    const other = "0".repeat(64);
    expect(verifyWebhookSignature(SECRET, `t=${T}, v1=${other}, v0=x, v1=${good.toUpperCase()}`, BODY, { now: at(T) })).toBe(true);
    expect(verifyWebhookSignature(SECRET, `v1=${good},t=${T}`, BODY, { now: at(T) })).toBe(true);
    expect(verifyWebhookSignature(SECRET, `t=${T},v1=${other}`, BODY, { now: at(T) })).toBe(false);
  });
});
