import { getEventListeners } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertPublicUrl, createGuardedFetch, isBlockedAddress, type NetworkPolicy } from "./url-guard";

const DEFAULT: NetworkPolicy = { allow: [] };
const LOOPBACK_ALLOWED: NetworkPolicy = { allow: ["127.0.0.0/8"] };
const MIB = 1024 * 1024;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("isBlockedAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.10.1", "link-local"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["0.0.0.0", "unspecified"],
    ["192.0.0.8", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["224.0.0.251", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["[::1]", "loopback"],
    ["::1", "loopback"],
    ["[::ffff:127.0.0.1]", "loopback"],
    ["[::ffff:7f00:1]", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["::a00:1", "private"], // IPv4-compatible 10.0.0.1
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00:ec2::254", "cloud metadata"],
    ["fd12:3456::1", "private"],
    ["ff02::1", "multicast"],
    ["64:ff9b::a00:1", "private"], // NAT64 of 10.0.0.1
    ["64:ff9b::7f00:1", "loopback"],
    ["2001:db8::1", "documentation"],
  ])("blocks %s (%s) by default", async (ip, kind) => {
    expect(isBlockedAddress(ip, DEFAULT)).toBe(true);
    // The message names the class of address, so a person knows what went wrong.
    const host = ip.includes(":") && !ip.startsWith("[") ? `[${ip.split("%")[0]}]` : ip;
    const error = await refusal(assertPublicUrl(`https://${host}/mcp`, DEFAULT));
    expect(error.message).toContain(`${kind} address; Gatehouse refuses private, loopback, link-local and metadata addresses`);
  });

  it.each(["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "[2606:4700:4700::1111]", "::ffff:1.1.1.1", "64:ff9b::808:808"])(
    "allows the public address %s",
    (ip) => {
      expect(isBlockedAddress(ip, DEFAULT)).toBe(false);
    },
  );

  it("blocks what is not an IP address at all", () => {
    expect(isBlockedAddress("example.com", DEFAULT)).toBe(true);
    expect(isBlockedAddress("", DEFAULT)).toBe(true);
    expect(isBlockedAddress("999.1.1.1", DEFAULT)).toBe(true);
  });

  it("lets the operator allow a range, and only that range", () => {
    expect(isBlockedAddress("127.0.0.1", LOOPBACK_ALLOWED)).toBe(false);
    expect(isBlockedAddress("127.200.0.9", LOOPBACK_ALLOWED)).toBe(false);
    expect(isBlockedAddress("::ffff:127.0.0.1", LOOPBACK_ALLOWED)).toBe(false);
    expect(isBlockedAddress("10.0.0.1", LOOPBACK_ALLOWED)).toBe(true);
    expect(isBlockedAddress("::1", LOOPBACK_ALLOWED)).toBe(true);
    expect(isBlockedAddress("fd00::5", { allow: ["fd00::/8"] })).toBe(false);
    expect(isBlockedAddress("10.1.2.3", { allow: ["10.1.2.3"] })).toBe(false);
    expect(isBlockedAddress("10.1.2.4", { allow: ["10.1.2.3"] })).toBe(true);
  });

  it("allows everything with *", () => {
    const all = { allow: ["*"] };
    for (const ip of ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fd00:ec2::254"]) {
      expect(isBlockedAddress(ip, all)).toBe(false);
    }
  });
});

describe("assertPublicUrl", () => {
  it("returns the parsed URL of a public address", async () => {
    const url = await assertPublicUrl("https://1.1.1.1/mcp?x=1", DEFAULT);
    expect(url.href).toBe("https://1.1.1.1/mcp?x=1");
    expect((await assertPublicUrl("http://[2606:4700:4700::1111]:8080/", DEFAULT)).port).toBe("8080");
  });

  it("names the address a URL resolves to", async () => {
    const error = await refusal(assertPublicUrl("http://10.1.2.3/mcp", DEFAULT));
    expect(error.code).toBe("validation_failed");
    expect(error.message).toMatch(/^The URL resolves to 10\.1\.2\.3, a private address; /);
  });

  it("refuses a host name that resolves to loopback", async () => {
    const error = await refusal(assertPublicUrl("http://localhost:3000/mcp", DEFAULT));
    expect(error.message).toContain("a loopback address");
  });

  // The WHATWG parser turns these into 127.0.0.1 before the guard sees them.
  it.each(["http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://0177.0.0.1/"])("refuses the disguised loopback %s", async (url) => {
    expect((await refusal(assertPublicUrl(url, DEFAULT))).message).toContain("127.0.0.1, a loopback address");
  });

  it("accepts a private address the operator allows", async () => {
    await expect(assertPublicUrl("http://127.0.0.1:8080/mcp", LOOPBACK_ALLOWED)).resolves.toBeInstanceOf(URL);
    await expect(assertPublicUrl("http://10.0.0.1/mcp", { allow: ["*"] })).resolves.toBeInstanceOf(URL);
    expect((await refusal(assertPublicUrl("http://10.0.0.1/mcp", LOOPBACK_ALLOWED))).message).toContain("a private address");
  });

  it.each(["file:///etc/passwd", "ftp://1.1.1.1/x", "javascript:alert(1)", "data:text/plain,hi", "ws://1.1.1.1/"])(
    "refuses the scheme of %s",
    async (url) => {
      const error = await refusal(assertPublicUrl(url, DEFAULT));
      expect(error.message).toMatch(/^Upstream servers are reached over http: or https:, not [a-z]+:/);
    },
  );

  it.each(["https://alice:hunter2@1.1.1.1/mcp", "https://token@1.1.1.1/mcp", "https://:hunter2@1.1.1.1/"])(
    "refuses credentials in the URL without repeating them: %s",
    async (url) => {
      const error = await refusal(assertPublicUrl(url, DEFAULT));
      expect(error.message).toContain("Remove the user name and password from the URL");
      expect(error.message).not.toMatch(/alice|hunter2|token/);
    },
  );

  it.each(["", "not a url", "https://", "//1.1.1.1/mcp", "http://[::1/", "http://exa mple.com/"])("refuses the garbage %j", async (url) => {
    expect((await refusal(assertPublicUrl(url, DEFAULT))).message).toMatch(/^That is not a valid URL/);
  });

  it("refuses a host that does not resolve", async () => {
    const error = await refusal(assertPublicUrl("https://no-such-host.invalid/mcp", DEFAULT));
    expect(error.message).toBe("The host no-such-host.invalid does not resolve to any address; check the name in the URL.");
  });
});

describe("createGuardedFetch", () => {
  const FIVE_MIB = Buffer.alloc(5 * MIB, "x");
  let server: http.Server;
  let base: string;
  let requestsServed = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requestsServed++;
      if (req.url === "/json") {
        res.setHeader("content-type", "application/json").end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { ok: true } }));
      } else if (req.url === "/large") {
        res.setHeader("content-length", FIVE_MIB.length).end(FIVE_MIB);
      } else if (req.url === "/large-chunked") {
        for (let offset = 0; offset < FIVE_MIB.length; offset += 64 * 1024) res.write(FIVE_MIB.subarray(offset, offset + 64 * 1024));
        res.end();
      } else if (req.url === "/empty") {
        res.writeHead(204).end();
      } else if (req.url === "/redirect") {
        res.writeHead(307, { location: "http://10.0.0.1/mcp" }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const guarded = (policy: NetworkPolicy, maxResponseBytes = MIB) => createGuardedFetch({ policy, maxResponseBytes });

  it("leaves no listener on a long-lived caller signal once each body is read", async () => {
    const session = new AbortController();
    const fetchGuarded = guarded(LOOPBACK_ALLOWED);
    for (let i = 0; i < 50; i++) {
      const response = await fetchGuarded(`${base}/json`, { method: "POST", body: "{}", signal: session.signal });
      await response.text();
      await (await fetchGuarded(`${base}/empty`, { signal: session.signal })).text();
    }
    expect(getEventListeners(session.signal, "abort")).toHaveLength(0);
  });

  it("still aborts a request when the caller's signal fires", async () => {
    const session = new AbortController();
    session.abort(new Error("session closed"));
    await expect(guarded(LOOPBACK_ALLOWED)(`${base}/json`, { signal: session.signal })).rejects.toThrow();
  });

  it("refuses a loopback server under the default policy, before sending anything", async () => {
    const before = requestsServed;
    const error = await refusal(guarded(DEFAULT)(`${base}/json`));
    expect(error.message).toMatch(/^The URL resolves to 127\.0\.0\.1, a loopback address; /);
    expect(requestsServed).toBe(before);
  });

  // No assertPublicUrl here: the name is resolved and judged as the connection is made.
  it("refuses a host name that resolves to a blocked address when it connects", async () => {
    const before = requestsServed;
    const error = await refusal(guarded(DEFAULT)(`http://localhost:${new URL(base).port}/json`));
    expect(error.message).toContain("a loopback address");
    expect(requestsServed).toBe(before);
  });

  it("passes a small JSON response through intact when the policy allows the server", async () => {
    const response = await guarded(LOOPBACK_ALLOWED)(`${base}/json`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.url).toBe(`${base}/json`);
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: { ok: true } });
  });

  it("takes a Request as well as a URL", async () => {
    const request = new Request(`${base}/json`, { method: "POST", body: "{}" });
    const response = await guarded(LOOPBACK_ALLOWED)(request);
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: { ok: true } });
    await expect(guarded(DEFAULT)(new Request(`${base}/json`))).rejects.toThrow("a loopback address");
  });

  it("passes a response without a body through", async () => {
    const response = await guarded(LOOPBACK_ALLOWED)(`${base}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it("hands a redirect back instead of following it", async () => {
    const response = await guarded(LOOPBACK_ALLOWED)(`${base}/redirect`);
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://10.0.0.1/mcp");
  });

  it.each(["/large", "/large-chunked"])("stops reading %s past the limit with a clear message", async (path) => {
    const error = await refusal(guarded(LOOPBACK_ALLOWED)(`${base}${path}`).then((r) => r.arrayBuffer()));
    expect(error.message).toMatch(/^The upstream answered more than 1 MB; /);
  });

  it("reads a large response whole when it fits the limit", async () => {
    const response = await guarded(LOOPBACK_ALLOWED, 6 * MIB)(`${base}/large-chunked`);
    expect((await response.arrayBuffer()).byteLength).toBe(FIVE_MIB.length);
  });
});
