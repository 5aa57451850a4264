import { describe, expect, it } from "vitest";
import { canonicalHash, canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it("keeps a member named __proto__ as a member, and sorts objects that have a member named constructor", () => {
    const withProto = JSON.parse('{"amount":10,"__proto__":{"approvedBy":"cfo"}}');
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"approvedBy":"cfo"},"amount":10}');
    expect(canonicalHash(withProto)).not.toBe(canonicalHash({ amount: 10 }));
    expect(canonicalJson(JSON.parse('{"constructor":"x","b":1,"a":2}'))).toBe('{"a":2,"b":1,"constructor":"x"}');
  });

  it("keeps array order, which carries meaning", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it("gives equal hashes for equal values written in another order", () => {
    expect(canonicalHash({ name: "t", inputSchema: { type: "object", properties: {} } })).toBe(
      canonicalHash({ inputSchema: { properties: {}, type: "object" }, name: "t" }),
    );
  });

  it("gives different hashes for different values", () => {
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: "1" }));
  });
});
