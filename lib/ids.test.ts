import { describe, expect, it } from "vitest";
import { ID_PREFIXES, newId, randomBase62, type IdKind } from "./ids";

const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

describe("newId", () => {
  it.each(Object.entries(ID_PREFIXES))("gives a %s id with its prefix and 20 base62 characters", (kind, prefix) => {
    expect(newId(kind as IdKind)).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{20}$`));
  });

  it("uses the documented prefixes", () => {
    expect(ID_PREFIXES).toEqual({
      user: "usr",
      tenant: "tnt",
      membership: "mem",
      invitation: "inv",
      adminToken: "tok",
      identity: "idn",
      server: "srv",
      agent: "agt",
      agentKey: "key",
      role: "rol",
      rule: "rul",
      session: "ses",
      event: "evt",
      approval: "apr",
      vote: "vot",
      delivery: "whd",
      checkpoint: "chk",
    });
  });

  it("does not repeat over many ids", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId("tenant")));
    expect(ids.size).toBe(20_000);
  });
});

describe("randomBase62", () => {
  it("gives the asked length in the base62 alphabet", () => {
    for (const n of [0, 1, 7, 64]) {
      const s = randomBase62(n);
      expect(s).toHaveLength(n);
      for (const c of s) expect(BASE62).toContain(c);
    }
  });

  it("uses every character about equally often (no modulo bias)", () => {
    const counts = new Map<string, number>();
    for (const c of randomBase62(62 * 1000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 1000 each; ±25% is over 7 standard deviations.
    for (const [c, n] of counts) {
      expect(n, c).toBeGreaterThan(750);
      expect(n, c).toBeLessThan(1250);
    }
  });
});
