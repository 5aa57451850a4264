import { AppError } from "@/lib/errors";
import { compileCondition } from "./cel";
import type { BoundCondition, BoundRule } from "./decide";
import type { Rule } from "./roles";

/** A stored rule made ready to decide with: its condition compiled once, here rather than per call. */
export function bindRule(role: string, position: number, rule: Rule): BoundRule {
  return { role, position, ...rule, condition: rule.condition === null ? null : bindCondition(rule.condition) };
}

function bindCondition(source: string): BoundCondition {
  try {
    return { source, compiled: compileCondition(source) };
  } catch (e) {
    return { source, error: e instanceof AppError ? e.message : "it does not compile" };
  }
}
