import { describe, expect, it } from "vitest";
import { jsonChanges } from "./diff";

describe("jsonChanges", () => {
  it("lists the leaves that changed, were added or removed, by path", () => {
    expect(
      jsonChanges(
        { name: "payments", timeoutMs: 10000, auth: { kind: "bearer", token: "[omitted]" }, tags: ["a", "b"], gone: 1 },
        { name: "payments", timeoutMs: 30000, auth: { kind: "headers", token: "[omitted]" }, tags: ["a", "c", "d"], added: null },
      ),
    ).toEqual([
      { path: "added", before: undefined, after: null },
      { path: "auth.kind", before: "bearer", after: "headers" },
      { path: "gone", before: 1, after: undefined },
      { path: "tags[1]", before: "b", after: "c" },
      { path: "tags[2]", before: undefined, after: "d" },
      { path: "timeoutMs", before: 10000, after: 30000 },
    ]);
  });

  it("says nothing for equal values, and names a created or deleted target as a whole", () => {
    expect(jsonChanges({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(jsonChanges(null, { a: 1 })).toEqual([{ path: "(the whole value)", before: null, after: { a: 1 } }]);
    expect(jsonChanges({ a: 1 }, "x", "root")).toEqual([{ path: "root", before: { a: 1 }, after: "x" }]);
  });
});
