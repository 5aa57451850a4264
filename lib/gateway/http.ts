import { env } from "@/lib/env";

/** The protocol revisions the endpoint speaks; the first is offered when a client asks for another. */
export const PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"] as const;
/** What a request without MCP-Protocol-Version is taken to speak (the spec's rule for old clients). */
export const DEFAULT_PROTOCOL_VERSION = "2025-03-26";

export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code, message }, id: null },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.replace(/:\d+$/, "");
}

let hostsCache: Set<string> | undefined;

/** Read once: the settings it comes from are fixed for the life of the process. */
function allowedHosts(): Set<string> {
  if (hostsCache) return hostsCache;
  const hosts = new Set([...LOOPBACK_HOSTS, ...env.GATEHOUSE_ALLOWED_HOSTS.map(hostName)]);
  const pinned = process.env.AUTH_URL;
  if (pinned) {
    try {
      hosts.add(new URL(pinned).hostname.toLowerCase());
    } catch {
      // next-auth reports a malformed AUTH_URL.
    }
  }
  hostsCache = hosts;
  return hosts;
}

/**
 * The DNS-rebinding guard: a page on an attacker's domain that points its DNS
 * at Gatehouse still sends its own Host, and a browser sends its Origin. Both
 * must name this deployment.
 */
export function checkHostAndOrigin(req: Request): Response | undefined {
  const host = req.headers.get("host");
  if (!host || !allowedHosts().has(hostName(host))) {
    return jsonRpcError(403, -32000, `Host "${host ?? ""}" is not served here. The operator lists the public host names in AUTH_URL or GATEHOUSE_ALLOWED_HOSTS.`);
  }
  const origin = req.headers.get("origin");
  if (origin === null) return undefined;
  const own = `${new URL(req.url).protocol}//${host.toLowerCase()}`;
  const normalized = origin.toLowerCase().replace(/\/$/, "");
  if (normalized === own || env.GATEHOUSE_ALLOWED_ORIGINS.includes(normalized)) return undefined;
  return jsonRpcError(403, -32000, `Origin "${origin}" may not call this endpoint. The operator can allow browser origins in GATEHOUSE_ALLOWED_ORIGINS.`);
}

/** The request's MCP-Protocol-Version, or an error response if it names a revision we do not speak. */
export function protocolVersionOf(req: Request): string | Response {
  const version = req.headers.get("mcp-protocol-version");
  if (version === null) return DEFAULT_PROTOCOL_VERSION;
  if ((PROTOCOL_VERSIONS as readonly string[]).includes(version)) return version;
  return jsonRpcError(400, -32000, `Bad Request: unsupported MCP-Protocol-Version "${version.slice(0, 40)}" (supported: ${PROTOCOL_VERSIONS.join(", ")}).`);
}

/** Reads a body up to `limit` bytes without buffering more than that. */
export async function readBody(req: Request, limit: number): Promise<{ text: string } | { tooLarge: true }> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) return { tooLarge: true };
  if (!req.body) return { text: "" };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString("utf8") };
}

export function isJsonContentType(value: string | null): boolean {
  return value !== null && /^application\/json\s*(;|$)/i.test(value.trim());
}
