import { describe, expect, it } from "vitest";
import { signInClientOf } from "./sign-in-audit";

describe("signInClientOf", () => {
  it("takes the address our proxy appended (the right-most X-Forwarded-For entry) and the user agent", () => {
    const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.4", "user-agent": "Mozilla/5.0 (X11)" });
    expect(signInClientOf(headers)).toEqual({ sourceIp: "198.51.100.4", userAgent: "Mozilla/5.0 (X11)" });
  });

  it("falls back to X-Real-IP, and reads IPv6", () => {
    expect(signInClientOf(new Headers({ "x-real-ip": "2001:db8::1" })).sourceIp).toBe("2001:db8::1");
  });

  it("keeps no address that is not one, and no user agent longer than 256 characters or with control characters", () => {
    const client = signInClientOf(new Headers({ "x-forwarded-for": "<script>", "user-agent": `a\tb${"x".repeat(400)}` }));
    expect(client.sourceIp).toBeNull();
    expect(client.userAgent).toHaveLength(256);
    expect(client.userAgent).toMatch(/^abx+$/);
  });

  it("knows nothing without a request", () => {
    expect(signInClientOf(undefined)).toEqual({ sourceIp: null, userAgent: null });
    expect(signInClientOf(new Headers())).toEqual({ sourceIp: null, userAgent: null });
  });
});
