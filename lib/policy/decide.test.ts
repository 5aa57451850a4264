import { describe, expect, it } from "vitest";
import { decide, type BoundRule } from "./decide";
import { globMatch } from "./glob";

const rule = (r: Partial<BoundRule> & Pick<BoundRule, "pattern" | "effect">): BoundRule => ({
  role: "r",
  position: 1,
  target: "tool",
  server: "github",
  ...r,
});
const tool = (server: string, name: string) => ({ target: "tool" as const, server, name });

describe("decide", () => {
  it("denies when no rule matches", () => {
    const none = decide([], tool("github", "create_issue"));
    expect(none.effect).toBe("deny");
    expect(none.rule).toBeUndefined();
    expect(none.reason).toMatch(/deny by default/);
    expect(decide([rule({ pattern: "list_*", effect: "allow" })], tool("github", "create_issue")).effect).toBe("deny");
  });

  it("allows what an allow rule matches and names the rule", () => {
    const r = rule({ pattern: "create_*", effect: "allow", role: "triage", position: 2 });
    expect(decide([r], tool("github", "create_issue"))).toEqual({ effect: "allow", rule: r, reason: 'allowed by rule 2 of role "triage"' });
  });

  it("lets a deny beat an allow, whichever comes first and whichever role it is in", () => {
    const allow = rule({ pattern: "*", effect: "allow", role: "a" });
    const deny = rule({ pattern: "delete_*", effect: "deny", role: "b" });
    expect(decide([allow, deny], tool("github", "delete_repo"))).toMatchObject({ effect: "deny", rule: deny });
    expect(decide([deny, allow], tool("github", "delete_repo"))).toMatchObject({ effect: "deny", rule: deny });
    expect(decide([deny, allow], tool("github", "list_repos"))).toMatchObject({ effect: "allow", rule: allow });
  });

  it("scopes rules to their server, with * for every server", () => {
    expect(decide([rule({ pattern: "*", effect: "allow" })], tool("jira", "x")).effect).toBe("deny");
    expect(decide([rule({ server: "*", pattern: "*", effect: "allow" })], tool("jira", "x")).effect).toBe("allow");
    expect(decide([rule({ server: "*", pattern: "*", effect: "allow" }), rule({ server: "jira", pattern: "x", effect: "deny" })], tool("jira", "x")).effect).toBe("deny");
  });

  it("keeps tool, prompt and resource rules apart", () => {
    const allowTools = rule({ server: "*", pattern: "*", effect: "allow" });
    expect(decide([allowTools], { target: "prompt", server: "github", name: "summarise" }).effect).toBe("deny");
    expect(decide([{ ...allowTools, target: "resource" }], { target: "resource", server: "github", name: "repo://a/b" }).effect).toBe("allow");
  });
});

describe("globMatch", () => {
  it.each([
    ["*", "anything", true],
    ["*", "", true],
    ["create_*", "create_issue", true],
    ["create_*", "recreate_issue", false],
    ["get_?", "get_a", true],
    ["get_?", "get_ab", false],
    ["a.b", "a.b", true],
    ["a.b", "axb", false],
    ["file:///docs/*", "file:///docs/a/b.md", true],
    ["Create", "create", false],
    ["(x)+[y]", "(x)+[y]", true],
  ])("%j matches %j: %s", (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });
});
