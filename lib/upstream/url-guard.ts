import dns from "node:dns";
import net from "node:net";
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { AppError, type ErrorCode } from "@/lib/errors";

/** Address ranges the platform operator lets upstream servers live in, as CIDRs; `"*"` allows everything. */
export type NetworkPolicy = { allow: readonly string[] };

type Family = "ipv4" | "ipv6";

// What each refused range is called in an error message. The first match wins,
// so a specific address comes before the range that contains it.
const BLOCKED_RANGES: ReadonlyArray<readonly [cidr: string, kind: string]> = [
  ["169.254.169.254/32", "a cloud metadata"],
  ["255.255.255.255/32", "the broadcast"],
  ["0.0.0.0/8", "an unspecified"],
  ["10.0.0.0/8", "a private"],
  ["100.64.0.0/10", "a shared (carrier-grade NAT)"],
  ["127.0.0.0/8", "a loopback"],
  ["169.254.0.0/16", "a link-local"],
  ["172.16.0.0/12", "a private"],
  ["192.0.0.0/24", "a reserved"],
  ["192.0.2.0/24", "a documentation"],
  ["192.168.0.0/16", "a private"],
  ["198.18.0.0/15", "a benchmarking"],
  ["198.51.100.0/24", "a documentation"],
  ["203.0.113.0/24", "a documentation"],
  ["224.0.0.0/4", "a multicast"],
  ["240.0.0.0/4", "a reserved"],
  ["::/128", "an unspecified"],
  ["::1/128", "a loopback"],
  ["fd00:ec2::254/128", "a cloud metadata"],
  ["fc00::/7", "a private"],
  ["fe80::/10", "a link-local"],
  ["fec0::/10", "a private"], // the deprecated site-local range, still routed inside some networks
  ["ff00::/8", "a multicast"],
  ["2001:db8::/32", "a documentation"],
  ["100::/64", "a reserved"],
  ["64:ff9b:1::/48", "a private"], // local-use NAT64 (RFC 8215): translated by a gateway inside the network
];

// IPv6 forms whose last 32 bits are an IPv4 address that a packet actually
// reaches (mapped, translated, compatible, NAT64), so they are judged as that IPv4.
const EMBEDS_IPV4 = subnetList(["::ffff:0:0/96", "::ffff:0:0:0/96", "::/96", "64:ff9b::/96"]);

const blocked = BLOCKED_RANGES.map(([cidr, kind]) => ({ kind, family: familyOf(cidr.split("/")[0]!), list: subnetList([cidr]) }));

function familyOf(ip: string): Family | undefined {
  return net.isIPv4(ip) ? "ipv4" : net.isIPv6(ip) ? "ipv6" : undefined;
}

function subnetList(cidrs: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address = "", bits] = cidr.split("/");
    const family = familyOf(address) ?? "ipv4";
    list.addSubnet(address, bits === undefined ? (family === "ipv4" ? 32 : 128) : Number(bits), family);
  }
  return list;
}

/** `[::1]` → `::1`; `fe80::1%eth0` → `fe80::1`. */
function bareAddress(host: string): string {
  const unbracketed = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return unbracketed.split("%")[0]!;
}

function embeddedIpv4(ipv6: string): string | undefined {
  if (!EMBEDS_IPV4.check(ipv6, "ipv6")) return undefined;
  // The WHATWG URL parser is a complete IPv6 parser and serialises canonically
  // (hex groups only, one "::"), which leaves the last two groups easy to read.
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const [high = 0, low = 0] = canonical.split(":").slice(-2).map((g) => (g === "" ? 0 : parseInt(g, 16)));
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

const allowLists = new Map<string, net.BlockList>();

function isAllowed(policy: NetworkPolicy, ip: string, family: Family, ipv4: string | undefined): boolean {
  if (policy.allow.includes("*")) return true;
  const key = policy.allow.join(",");
  let list = allowLists.get(key);
  if (!list) allowLists.set(key, (list = subnetList(policy.allow)));
  return list.check(ip, family) || (ipv4 !== undefined && list.check(ipv4, "ipv4"));
}

function rangeKind(ip: string, family: Family): string | undefined {
  return blocked.find((range) => range.family === family && range.list.check(ip, family))?.kind;
}

/** The kind of address that refuses `ip` ("a private", …), or undefined when it may be reached. */
function blockedKind(address: string, policy: NetworkPolicy): string | undefined {
  const ip = bareAddress(address);
  const family = familyOf(ip);
  if (!family) return "an unrecognised";
  const ipv4 = family === "ipv6" ? embeddedIpv4(ip) : undefined;
  if (isAllowed(policy, ip, family, ipv4)) return undefined;
  return rangeKind(ip, family) ?? (ipv4 === undefined ? undefined : rangeKind(ipv4, "ipv4"));
}

/** True for an address upstream servers may not use: private, loopback, link-local, metadata and other non-public ranges, unless the policy allows it. Anything that is not an IP address is blocked. */
export function isBlockedAddress(ip: string, policy: NetworkPolicy): boolean {
  return blockedKind(ip, policy) !== undefined;
}

function refusal(address: string, kind: string, code: ErrorCode): AppError {
  return new AppError(
    code,
    `The URL resolves to ${bareAddress(address)}, ${kind} address; Gatehouse refuses private, loopback, link-local and metadata addresses for upstream servers. ` +
      `If this server is meant to be reachable, the platform operator can allow its range with GATEHOUSE_UPSTREAM_ALLOW.`,
  );
}

function parseUpstreamUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("validation_failed", "That is not a valid URL; enter an absolute address such as https://mcp.example.com/mcp.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AppError("validation_failed", `Upstream servers are reached over http: or https:, not ${parsed.protocol}; enter an https:// URL.`);
  }
  if (parsed.username || parsed.password) {
    throw new AppError(
      "validation_failed",
      "Remove the user name and password from the URL; put credentials in the server's authentication settings, where Gatehouse keeps them sealed.",
    );
  }
  return parsed;
}

/**
 * Parses a tenant-supplied upstream URL and resolves its host, refusing it when
 * any address it resolves to is blocked. Checking every address matters: a
 * client may connect to any of them. This is the early, friendly check at
 * registration; `createGuardedFetch` checks again when it connects.
 */
export async function assertPublicUrl(url: string, policy: NetworkPolicy): Promise<URL> {
  const parsed = parseUpstreamUrl(url);
  const host = bareAddress(parsed.hostname);
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) {
    throw new AppError("validation_failed", `The host ${host} does not resolve to any address; check the name in the URL.`);
  }
  for (const { address } of addresses) {
    const kind = blockedKind(address, policy);
    if (kind) throw refusal(address, kind, "validation_failed");
  }
  return parsed;
}

function guardedLookup(policy: NetworkPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { family: options.family, hints: options.hints, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, "");
      for (const { address } of addresses) {
        const kind = blockedKind(address, policy);
        if (kind) return callback(refusal(address, kind, "forbidden"), "");
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} resolved to no address`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  };
}

// Resolving inside the connection, and connecting only to the addresses just
// checked, is what makes DNS rebinding useless: there is no gap between the check
// and the connect for a second answer to slip into.
function guardedConnector(policy: NetworkPolicy): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy) });
  return (options, callback) => {
    // net.connect skips `lookup` for an IP literal, so a literal is judged here.
    const host = bareAddress(options.hostname);
    const kind = net.isIP(host) ? blockedKind(host, policy) : undefined;
    if (kind) return callback(refusal(host, kind, "forbidden"), null);
    return connect(options, callback);
  };
}

// One Agent per policy, so connections to an upstream are pooled and kept alive
// (undici's default) across calls and clients.
const agents = new Map<string, Agent>();

function agentFor(policy: NetworkPolicy): Agent {
  const key = policy.allow.join(",");
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = new Agent({ connect: guardedConnector(policy) })));
  return agent;
}

const MIB = 1024 * 1024;

function tooLarge(maxBytes: number): AppError {
  const size = maxBytes >= MIB ? `${Number((maxBytes / MIB).toFixed(1))} MB` : `${maxBytes} bytes`;
  return new AppError(
    "payload_too_large",
    `The upstream answered more than ${size}; Gatehouse stopped reading. Make the tool return less, or ask the platform operator to raise GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES.`,
  );
}

/**
 * Re-wraps the response so that reading more than `maxBytes` of body errors,
 * whatever content-length claims. `done` runs once the body is finished with.
 */
function limitBody(response: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number, done: () => void): Response {
  if (Number(response.headers.get("content-length")) > maxBytes) {
    done();
    void response.body?.cancel();
    throw tooLarge(maxBytes);
  }
  if (!response.body) done();
  // undici's stream types come from node:stream/web, the same classes Node's global Response takes.
  const source = response.body as unknown as ReadableStream<Uint8Array> | null;
  let received = 0;
  const body = source?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          done();
          controller.error(tooLarge(maxBytes));
        } else controller.enqueue(chunk);
      },
      flush: done,
    }),
  );
  const limited = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers as unknown as HeadersInit,
  });
  Object.defineProperty(limited, "url", { value: response.url });
  return limited;
}

export type GuardedFetchOptions = { policy: NetworkPolicy; maxResponseBytes: number };

/**
 * A fetch for the MCP SDK's client transports that connects only to addresses
 * the policy permits, checked at connect time, and stops reading a response
 * body past `maxResponseBytes`. A refused address rejects with an AppError.
 */
export function createGuardedFetch(options: GuardedFetchOptions): typeof fetch {
  const dispatcher = agentFor(options.policy);
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input;
    const requestInit = input instanceof Request
      ? { method: input.method, headers: input.headers, body: input.body, signal: input.signal, duplex: "half", ...init }
      : init;
    // The SDK hands every request of a session the same long-lived signal, and
    // undici keeps its listener on it until the request is garbage-collected:
    // give undici a signal of its own per request, unlinked when the body ends.
    const outer = (requestInit as { signal?: AbortSignal | null } | undefined)?.signal ?? undefined;
    const inner = new AbortController();
    const forward = () => inner.abort(outer?.reason);
    if (outer?.aborted) forward();
    else outer?.addEventListener("abort", forward, { once: true });
    let linked = true;
    const unlink = () => {
      if (!linked) return;
      linked = false;
      outer?.removeEventListener("abort", forward);
    };
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      // Redirects are never followed here: undici would carry the credential
      // headers Gatehouse injects to wherever one points. The SDK follows
      // same-origin redirects itself by calling this fetch again, so each hop
      // is checked like the first.
      response = await undiciFetch(url, { ...(requestInit as UndiciRequestInit), signal: inner.signal, dispatcher, redirect: "manual" });
    } catch (e) {
      unlink();
      const cause = (e as { cause?: unknown }).cause;
      throw cause instanceof AppError ? cause : e;
    }
    return limitBody(response, options.maxResponseBytes, unlink);
  };
}
