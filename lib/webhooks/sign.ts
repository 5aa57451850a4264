import { createHmac, timingSafeEqual } from "node:crypto";

// Kept free of anything else in Gatehouse, so a receiver written in
// TypeScript can copy this file as it is.

export const SIGNATURE_HEADER = "Gatehouse-Signature";
export const EVENT_HEADER = "Gatehouse-Event";
export const DELIVERY_HEADER = "Gatehouse-Delivery";

/** How far a signature's timestamp may be from the receiver's clock, either way, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
}

/**
 * The `Gatehouse-Signature` header of one delivery attempt:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The key is the whole secret string (with its `whsec_` prefix) as UTF-8.
 */
export function signWebhook(secret: string, rawBody: string | Uint8Array, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

export type VerifyOptions = {
  /** Largest accepted distance between the signature's time and `now`, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The receiver's clock (default: the current time). */
  now?: Date;
};

/**
 * True when `header` (the `Gatehouse-Signature` value) signs exactly
 * `rawBody` with `secret`, within `toleranceSeconds` of `now`. Verify the
 * body's bytes as received, before parsing them. Any `v1` entry may match,
 * and entries of other versions are ignored.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = new Date() }: VerifyOptions = {},
): boolean {
  if (!header || !secret) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), "hex");
  // Every entry is compared, so the time taken does not tell which one matched.
  let valid = false;
  for (const signature of signatures) valid = timingSafeEqual(expected, Buffer.from(signature, "hex")) || valid;
  return valid;
}
