import { describe, expect, it } from "vitest";
import { bindRule } from "./bind";
import { callBindings } from "./bindings";
import { decide, mayBeAllowed, needsSession, ruleLabel, type BoundRule, type RuleTrace } from "./decide";
import { globMatch } from "./glob";
import type { Rule } from "./roles";

const rule = (r: Partial<BoundRule> & Pick<BoundRule, "pattern" | "effect">): BoundRule => ({
  role: "r",
  position: 1,
  target: "tool",
  server: "github",
  condition: null,
  message: null,
  approval: null,
  ...r,
});

/** A rule as the gateway holds it: through bindRule, its condition compiled by the real CEL checker. */
const bound = (role: string, position: number, r: Partial<Rule> & Pick<Rule, "pattern" | "effect">): BoundRule =>
  bindRule(role, position, { target: "tool", server: "github", condition: null, message: null, approval: null, ...r });

const approval = (approvalsRequired: number, approverRole: "reviewer" | "admin" | "owner" = "reviewer") => ({ approverRole, approvalsRequired, ttlSeconds: 3600 });

const tool = (server: string, name: string) => ({ target: "tool" as const, server, name });

const bindingsFor = (args: Record<string, unknown>, more: { time?: Date; calls?: { server: string; tool: string; decision: "allow" | "deny" | "require_approval" }[] } = {}) =>
  callBindings({
    args,
    tool: { server: "github", name: "create_issue", annotations: {} },
    agent: { id: "agt_1", name: "support", labels: { team: "support" } },
    tenant: { id: "tnt_1", slug: "acme", name: "Acme" },
    time: more.time ?? new Date("2026-03-04T10:00:00Z"),
    session: { id: "s1", calls: (more.calls ?? []).map((c) => ({ ...c, name: `${c.server}__${c.tool}`, at: new Date("2026-03-04T09:59:00Z") })) },
  });

/** Every order of a list. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

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

describe("decide: precedence", () => {
  const allow = bound("alpha", 1, { pattern: "*", effect: "allow" });
  const held = bound("beta", 3, { pattern: "delete_*", effect: "require_approval", approval: approval(1) });
  const deny = bound("gamma", 2, { pattern: "delete_repo", effect: "deny", message: "Never delete repositories." });

  it.each(permutations([allow, held, deny]).map((rules) => [rules.map(ruleLabel).join(", "), rules] as const))(
    "deny beats require_approval beats allow, in the order %s",
    (_, rules) => {
      expect(decide(rules, tool("github", "delete_repo"))).toMatchObject({ effect: "deny", rule: deny, message: "Never delete repositories." });
      expect(decide(rules, tool("github", "delete_branch"))).toMatchObject({ effect: "require_approval", rule: held, approval: approval(1) });
      expect(decide(rules, tool("github", "list_repos"))).toMatchObject({ effect: "allow", rule: allow });
    },
  );

  it("holds for approval over an allow in another role, and says what it asks for", () => {
    const decision = decide([allow, held], tool("github", "delete_branch"));
    expect(decision).toEqual({
      effect: "require_approval",
      rule: held,
      approval: approval(1),
      reason: 'rule 3 of role "beta" requires 1 approval (reviewer or above)',
    });
  });

  it("lets the approval rule asking for more approvals win, in any order; on a tie the earlier one", () => {
    const one = bound("a", 1, { pattern: "*", effect: "require_approval", approval: approval(1, "owner") });
    const two = bound("b", 1, { pattern: "*", effect: "require_approval", approval: approval(2) });
    const otherTwo = bound("c", 1, { pattern: "*", effect: "require_approval", approval: approval(2, "admin") });
    for (const rules of permutations([one, two])) expect(decide(rules, tool("github", "x"))).toMatchObject({ rule: two, approval: approval(2) });
    expect(decide([one, two, otherTwo], tool("github", "x")).rule).toBe(two);
    expect(decide([otherTwo, one, two], tool("github", "x")).rule).toBe(otherTwo);
  });

  it("gives require_approval its default settings when a rule has none", () => {
    const r = rule({ pattern: "*", effect: "require_approval" });
    expect(decide([r], tool("github", "x"))).toMatchObject({ effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 } });
  });

  it("decides the refund tiers: allow up to 100, one approval above, two above 1,000, deny above 10,000", () => {
    const rules = [
      bound("payments", 1, { server: "payments", pattern: "refund", effect: "allow" }),
      bound("payments", 2, { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 100", approval: approval(1) }),
      bound("payments", 3, { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 1000", approval: approval(2, "admin") }),
      bound("payments", 4, { server: "payments", pattern: "refund", effect: "deny", condition: "args.amount > 10000", message: "Too large." }),
    ];
    const at = (amount: number) => decide(rules, tool("payments", "refund"), { bindings: () => bindingsFor({ amount }) });
    expect(at(100)).toMatchObject({ effect: "allow", rule: rules[0] });
    expect(at(100.5)).toMatchObject({ effect: "require_approval", rule: rules[1], approval: approval(1) });
    expect(at(1000)).toMatchObject({ effect: "require_approval", rule: rules[1] });
    expect(at(1001)).toMatchObject({ effect: "require_approval", rule: rules[2], approval: approval(2, "admin") });
    expect(at(10001)).toMatchObject({ effect: "deny", rule: rules[3], message: "Too large." });
    expect(at(10001).reason).toBe('denied by rule 4 of role "payments", as args.amount > 10000 holds');
  });
});

describe("decide: conditions", () => {
  it("applies a rule only when its condition is true", () => {
    const r = bound("support", 1, { server: "db", pattern: "query", effect: "allow", condition: "args.table != 'financials'" });
    expect(decide([r], tool("db", "query"), { bindings: () => bindingsFor({ table: "orders" }) })).toMatchObject({
      effect: "allow",
      rule: r,
      reason: "allowed by rule 1 of role \"support\", as args.table != 'financials' holds",
    });
    expect(decide([r], tool("db", "query"), { bindings: () => bindingsFor({ table: "financials" }) })).toEqual({
      effect: "deny",
      reason: "no rule allows it (deny by default)",
    });
  });

  it("fails closed: a condition that errors denies the call, even beside an unconditional allow", () => {
    const guarded = bound("a", 1, { pattern: "*", effect: "allow", condition: "args.amount < 100" });
    const open = bound("b", 1, { pattern: "*", effect: "allow" });
    for (const rules of permutations([guarded, open])) {
      const decision = decide(rules, tool("github", "x"), { bindings: () => bindingsFor({}) });
      expect(decision).toMatchObject({ effect: "deny", rule: guarded, failed: true });
      expect(decision.reason).toMatch(/^the condition of rule 1 of role "a" could not be evaluated \(.+\), so the call is denied$/);
    }
    // A deny that applies still names itself, not the failure.
    const deny = bound("c", 1, { pattern: "x", effect: "deny" });
    expect(decide([guarded, deny], tool("github", "x"), { bindings: () => bindingsFor({}) })).toMatchObject({ effect: "deny", rule: deny });
    expect(decide([guarded, deny], tool("github", "x"), { bindings: () => bindingsFor({}) })).not.toHaveProperty("failed", true);
  });

  it("fails closed on a condition that no longer compiles, and without a call context", () => {
    const broken = bound("a", 1, { pattern: "*", effect: "allow", condition: "args.amount <" });
    expect(broken.condition).toMatchObject({ source: "args.amount <", error: expect.any(String) });
    expect(decide([broken], tool("github", "x"), { bindings: () => bindingsFor({ amount: 1 }) })).toMatchObject({ effect: "deny", rule: broken, failed: true });

    const fine = bound("a", 1, { pattern: "*", effect: "allow", condition: "args.amount < 100" });
    expect(decide([fine], tool("github", "x"))).toMatchObject({ effect: "deny", failed: true, reason: expect.stringContaining("no call context") });
  });

  it("reads the time in a time zone: weekdays 08:00–18:00 Europe/Berlin", () => {
    const outside = bound("hours", 1, {
      server: "*",
      pattern: "*",
      effect: "deny",
      condition: "!(request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && request.time.getHours('Europe/Berlin') >= 8 && request.time.getHours('Europe/Berlin') < 18)",
    });
    const allow = bound("all", 1, { server: "*", pattern: "*", effect: "allow" });
    const at = (iso: string) => decide([outside, allow], tool("github", "x"), { bindings: () => bindingsFor({}, { time: new Date(iso) }) }).effect;
    expect(at("2026-03-04T07:00:00Z")).toBe("allow"); // Wednesday 08:00 in Berlin (UTC+1)
    expect(at("2026-03-04T06:59:00Z")).toBe("deny");
    expect(at("2026-03-04T16:59:00Z")).toBe("allow");
    expect(at("2026-03-04T17:00:00Z")).toBe("deny"); // 18:00 in Berlin
    // Summer time (UTC+2): 06:00Z is 08:00 and 16:00Z is 18:00 in Berlin.
    expect(at("2026-07-01T06:00:00Z")).toBe("allow");
    expect(at("2026-07-01T15:59:00Z")).toBe("allow");
    expect(at("2026-07-01T16:00:00Z")).toBe("deny");
    expect(at("2026-03-07T10:00:00Z")).toBe("deny"); // Saturday
    expect(at("2026-03-08T10:00:00Z")).toBe("deny"); // Sunday
  });

  it("reads the session's earlier calls", () => {
    const afterRead = bound("a", 1, { pattern: "*", effect: "allow", condition: "session.calls.exists(c, c.tool == 'read_file' && c.decision == 'allow')" });
    const rules = [afterRead];
    expect(needsSession(rules, tool("github", "x"))).toBe(true);
    expect(needsSession(rules, tool("jira", "x"))).toBe(false);
    expect(needsSession([bound("a", 1, { pattern: "*", effect: "allow", condition: "args.a == 1" })], tool("github", "x"))).toBe(false);
    expect(decide(rules, tool("github", "x"), { bindings: () => bindingsFor({}) }).effect).toBe("deny");
    expect(decide(rules, tool("github", "x"), { bindings: () => bindingsFor({}, { calls: [{ server: "fs", tool: "read_file", decision: "allow" }] }) }).effect).toBe("allow");
    expect(decide(rules, tool("github", "x"), { bindings: () => bindingsFor({}, { calls: [{ server: "fs", tool: "read_file", decision: "deny" }] }) }).effect).toBe("deny");
  });
});

describe("decide: traces", () => {
  it("records how every rule fared, evaluating conditions of matching rules only, with the bindings built once", () => {
    const rules = [
      bound("a", 1, { pattern: "list_*", effect: "allow", condition: "args.n > 1" }),
      bound("a", 2, { pattern: "create_*", effect: "allow", condition: "args.n > 1" }),
      bound("b", 1, { pattern: "create_*", effect: "deny", condition: "args.n > 5" }),
      bound("b", 2, { pattern: "*", effect: "require_approval", condition: "args.missing == 1" }),
      bound("c", 1, { pattern: "*", effect: "allow" }),
    ];
    const trace: RuleTrace[] = [];
    let built = 0;
    const decision = decide(rules, tool("github", "create_issue"), {
      trace,
      bindings: () => {
        built += 1;
        return bindingsFor({ n: 3 });
      },
    });
    expect(built).toBe(1);
    expect(decision).toMatchObject({ effect: "deny", rule: rules[3], failed: true });
    expect(trace.map((t) => ({ rule: ruleLabel(t.rule), matched: t.matched, condition: t.condition }))).toEqual([
      { rule: "a#1", matched: false, condition: undefined },
      { rule: "a#2", matched: true, condition: { result: true } },
      { rule: "b#1", matched: true, condition: { result: false } },
      { rule: "b#2", matched: true, condition: { error: expect.any(String) } },
      { rule: "c#1", matched: true, condition: undefined },
    ]);
  });

  it("does not build bindings when no matching rule has a condition", () => {
    let built = 0;
    const rules = [bound("a", 1, { pattern: "list_*", effect: "allow", condition: "args.n > 1" }), bound("a", 2, { pattern: "*", effect: "allow" })];
    const decision = decide(rules, tool("github", "create_issue"), {
      bindings: () => {
        built += 1;
        return bindingsFor({});
      },
    });
    expect(decision).toMatchObject({ effect: "allow", rule: rules[1] });
    expect(built).toBe(0);
  });
});

describe("mayBeAllowed", () => {
  const subject = tool("github", "delete_repo");

  it("lists a tool an allow or require_approval rule could let through, with or without a condition", () => {
    expect(mayBeAllowed([bound("a", 1, { pattern: "*", effect: "allow" })], subject)).toBe(true);
    expect(mayBeAllowed([bound("a", 1, { pattern: "*", effect: "allow", condition: "args.force == false" })], subject)).toBe(true);
    expect(mayBeAllowed([bound("a", 1, { pattern: "delete_*", effect: "require_approval", approval: approval(2) })], subject)).toBe(true);
  });

  it("keeps a tool listed under a conditional deny, and hides it under an unconditional one", () => {
    const allow = bound("a", 1, { pattern: "*", effect: "allow" });
    expect(mayBeAllowed([allow, bound("b", 1, { pattern: "delete_*", effect: "deny", condition: "args.force == true" })], subject)).toBe(true);
    expect(mayBeAllowed([bound("b", 1, { pattern: "delete_*", effect: "deny" }), allow], subject)).toBe(false);
    expect(mayBeAllowed([allow, bound("b", 1, { pattern: "delete_*", effect: "deny" })], subject)).toBe(false);
  });

  it("hides a tool no rule could let through", () => {
    expect(mayBeAllowed([], subject)).toBe(false);
    expect(mayBeAllowed([bound("a", 1, { pattern: "*", effect: "deny", condition: "args.x == 1" })], subject)).toBe(false);
    expect(mayBeAllowed([bound("a", 1, { pattern: "list_*", effect: "allow" })], subject)).toBe(false);
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
