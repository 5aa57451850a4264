import { describe, expect, it } from "vitest";
import { encodeName, isValidExposedName, MAX_NAME_LENGTH, splitName } from "./tool-names";

describe("encodeName", () => {
  it("prefixes the namespace with a double underscore", () => {
    expect(encodeName("github", "create_issue")).toBe("github__create_issue");
  });

  it("exposes a name as it is when the namespace is empty", () => {
    expect(encodeName("", "test_simple_text")).toBe("test_simple_text");
  });

  it.each([
    ["files", "read.file"],
    ["files", "read file"],
    ["files", "lire-fichier-é"],
    ["x", "a/b:c"],
  ])("turns characters clients refuse into _ and keeps names distinct (%s, %s)", (ns, name) => {
    const exposed = encodeName(ns, name);
    expect(isValidExposedName(exposed)).toBe(true);
    expect(exposed.startsWith(`${ns}__`)).toBe(true);
    expect(exposed).not.toBe(encodeName(ns, name.replace(/[^A-Za-z0-9_-]/g, "_")));
  });

  it("cuts long names to 64 characters, ending in a hash of the original", () => {
    const a = encodeName("a-rather-long-server-name", "x".repeat(80));
    const b = encodeName("a-rather-long-server-name", `${"x".repeat(79)}y`);
    expect(a).toHaveLength(MAX_NAME_LENGTH);
    expect(b).toHaveLength(MAX_NAME_LENGTH);
    expect(a).not.toBe(b);
    expect(isValidExposedName(a)).toBe(true);
  });

  it("keeps a name of exactly 64 characters as it is", () => {
    const name = "t".repeat(64 - "srv__".length);
    expect(encodeName("srv", name)).toBe(`srv__${name}`);
  });

  it("never returns an empty or invalid name", () => {
    expect(isValidExposedName(encodeName("", ""))).toBe(true);
    expect(isValidExposedName(encodeName("", "...."))).toBe(true);
  });
});

describe("splitName", () => {
  it("splits at the first separator, keeping later ones in the tool name", () => {
    expect(splitName("github__create__issue")).toEqual({ namespace: "github", name: "create__issue" });
  });

  it.each(["plain", "__leading", ""])("gives nothing for %j", (name) => {
    expect(splitName(name)).toBeUndefined();
  });

  it("round-trips names that need no escaping", () => {
    expect(splitName(encodeName("db", "query"))).toEqual({ namespace: "db", name: "query" });
  });
});

describe("isValidExposedName", () => {
  it.each(["a", "A-b_9", "x".repeat(64)])("accepts %j", (n) => expect(isValidExposedName(n)).toBe(true));
  it.each(["", "a b", "a.b", "x".repeat(65), "é"])("refuses %j", (n) => expect(isValidExposedName(n)).toBe(false));
});
