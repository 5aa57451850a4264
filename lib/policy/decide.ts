import type { RuleEffect, RuleTarget } from "@/db/schema";
import { globMatch } from "./glob";

/** A rule as the gateway evaluates it, with the role it came from. */
export type BoundRule = {
  role: string;
  /** 1-based position in its role, for explanations. */
  position: number;
  target: RuleTarget;
  server: string;
  pattern: string;
  effect: RuleEffect;
};

export type Decision = {
  effect: "allow" | "deny";
  /** The rule that decided; absent when no rule matched (deny by default). */
  rule?: BoundRule;
  reason: string;
};

export type Subject = { target: RuleTarget; server: string; name: string };

export function ruleMatches(rule: BoundRule, subject: Subject): boolean {
  return rule.target === subject.target && (rule.server === "*" || rule.server === subject.server) && globMatch(rule.pattern, subject.name);
}

/**
 * Decides one subject against all of an agent's rules: a matching deny wins
 * over any allow, whatever the order or role; nothing matching is a deny.
 */
export function decide(rules: readonly BoundRule[], subject: Subject): Decision {
  let allow: BoundRule | undefined;
  for (const rule of rules) {
    if (!ruleMatches(rule, subject)) continue;
    if (rule.effect === "deny") return { effect: "deny", rule, reason: `denied by rule ${rule.position} of role "${rule.role}"` };
    allow ??= rule;
  }
  if (allow) return { effect: "allow", rule: allow, reason: `allowed by rule ${allow.position} of role "${allow.role}"` };
  return { effect: "deny", reason: "no rule allows it (deny by default)" };
}
