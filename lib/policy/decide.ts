import type { ApproverRole, RuleEffect, RuleTarget } from "@/db/schema";
import type { CompiledCondition, ConditionBindings } from "./cel";
import { globMatch } from "./glob";

/** What require_approval asks for: who may approve, how many people, and for how long the request stays open. */
export type ApprovalPolicy = { approverRole: ApproverRole; approvalsRequired: number; ttlSeconds: number };

/**
 * A rule's condition as the gateway holds it: compiled, or the reason it
 * would not compile (a rule saved before a checker change). A broken
 * condition decides like one that errors: deny.
 */
export type BoundCondition = { source: string; compiled: CompiledCondition } | { source: string; error: string };

/** A rule as the gateway evaluates it, with the role it came from. */
export type BoundRule = {
  role: string;
  /** 1-based position in its role, for explanations. */
  position: number;
  target: RuleTarget;
  server: string;
  pattern: string;
  effect: RuleEffect;
  condition: BoundCondition | null;
  /** For deny: what the agent is told. */
  message: string | null;
  /** For require_approval. */
  approval: ApprovalPolicy | null;
};

export type Decision =
  | { effect: "allow"; rule: BoundRule; reason: string }
  | { effect: "require_approval"; rule: BoundRule; reason: string; approval: ApprovalPolicy }
  /** `rule` is absent when nothing matched (deny by default); `failed` when a condition could not be evaluated. */
  | { effect: "deny"; rule?: BoundRule; reason: string; message?: string; failed?: boolean };

export type Subject = { target: RuleTarget; server: string; name: string };

/** How each rule fared, for explanations and the simulator. */
export type RuleTrace = { rule: BoundRule; matched: boolean; condition?: { result: boolean } | { error: string } };

export type DecideOptions = {
  /** The call's context for conditions; built at most once, and only if a matching rule has a condition. */
  bindings?: () => ConditionBindings;
  /** Collects how each rule fared. */
  trace?: RuleTrace[];
};

export const ruleLabel = (rule: Pick<BoundRule, "role" | "position">) => `${rule.role}#${rule.position}`;
const describe = (rule: BoundRule) => `rule ${rule.position} of role "${rule.role}"`;

export function ruleMatches(rule: BoundRule, subject: Subject): boolean {
  return rule.target === subject.target && (rule.server === "*" || rule.server === subject.server) && globMatch(rule.pattern, subject.name);
}

const EFFECT_RANK: Record<RuleEffect, number> = { allow: 0, require_approval: 1, deny: 2 };

/**
 * Decides one subject against all of an agent's rules, whatever their order
 * or role: deny beats require_approval beats allow; among approval rules the
 * one asking for more approvals wins (then the earlier); nothing matching is
 * a deny. A rule applies when its server and pattern match and its condition,
 * if any, is true. A condition that cannot be evaluated denies the call:
 * a policy that cannot be read must not let anything through.
 */
export function decide(rules: readonly BoundRule[], subject: Subject, options: DecideOptions = {}): Decision {
  let best: BoundRule | undefined;
  let bindings: ConditionBindings | undefined;
  let failure: { rule: BoundRule; error: string } | undefined;
  for (const rule of rules) {
    const matched = ruleMatches(rule, subject);
    if (!matched || !rule.condition) {
      options.trace?.push({ rule, matched });
      if (matched) best = stronger(best, rule);
      continue;
    }
    const outcome = evaluate(rule.condition, () => (bindings ??= options.bindings?.()));
    options.trace?.push({ rule, matched, condition: outcome });
    if ("error" in outcome) failure ??= { rule, error: outcome.error };
    else if (outcome.result) best = stronger(best, rule);
  }
  if (best?.effect === "deny") {
    return { effect: "deny", rule: best, reason: `denied by ${describe(best)}${whenTrue(best)}`, message: best.message ?? undefined };
  }
  if (failure) {
    return { effect: "deny", rule: failure.rule, failed: true, reason: `the condition of ${describe(failure.rule)} could not be evaluated (${failure.error}), so the call is denied` };
  }
  if (!best) return { effect: "deny", reason: "no rule allows it (deny by default)" };
  if (best.effect === "require_approval") {
    const approval = best.approval ?? DEFAULT_APPROVAL;
    const people = approval.approvalsRequired === 1 ? "1 approval" : `${approval.approvalsRequired} approvals`;
    return { effect: "require_approval", rule: best, approval, reason: `${describe(best)} requires ${people} (${approval.approverRole} or above)${whenTrue(best)}` };
  }
  return { effect: "allow", rule: best, reason: `allowed by ${describe(best)}${whenTrue(best)}` };
}

export const DEFAULT_APPROVAL: ApprovalPolicy = { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 };

function stronger(current: BoundRule | undefined, rule: BoundRule): BoundRule {
  if (!current) return rule;
  const diff = EFFECT_RANK[rule.effect] - EFFECT_RANK[current.effect];
  if (diff !== 0) return diff > 0 ? rule : current;
  if (rule.effect === "require_approval" && (rule.approval?.approvalsRequired ?? 1) > (current.approval?.approvalsRequired ?? 1)) return rule;
  return current;
}

const whenTrue = (rule: BoundRule) => (rule.condition ? `, as ${rule.condition.source} holds` : "");

function evaluate(condition: BoundCondition, bindings: () => ConditionBindings | undefined): { result: boolean } | { error: string } {
  if ("error" in condition) return { error: condition.error };
  const values = bindings();
  if (!values) return { error: "no call context to evaluate it against" };
  try {
    return { result: condition.compiled.evaluate(values) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Whether an agent could ever be let through to the subject: some allow or
 * require_approval rule matches it (with or without a condition), and no
 * unconditional deny does. What this is false for is hidden from listings.
 */
export function mayBeAllowed(rules: readonly BoundRule[], subject: Subject): boolean {
  let open = false;
  for (const rule of rules) {
    if (!ruleMatches(rule, subject)) continue;
    if (rule.effect === "deny" && !rule.condition) return false;
    if (rule.effect !== "deny") open = true;
  }
  return open;
}

/** True when deciding this subject needs the session's earlier calls. */
export function needsSession(rules: readonly BoundRule[], subject: Subject): boolean {
  return rules.some((rule) => rule.condition && "compiled" in rule.condition && rule.condition.compiled.uses.has("session") && ruleMatches(rule, subject));
}
