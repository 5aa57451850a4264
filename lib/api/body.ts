import { AppError } from "@/lib/errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON request body with a size limit and messages that say what to fix. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", 'Send the body as JSON with "Content-Type: application/json".');
  }
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (!text.trim()) throw new AppError("invalid_request", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("invalid_request", `The request body is not valid JSON (${(e as Error).message}).`);
  }
}
