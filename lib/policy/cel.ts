import { isCelError, isCelList, isCelMap, parse, type CelResult } from "@bufbuild/cel";
import { AppError } from "@/lib/errors";
import { allNodes, childrenOf, offsetOf, positionAt, type Expr, type Parsed } from "./cel-ast";
import { InputTooLarge, toCelInputs } from "./cel-bindings";
import { Checker, CheckFailure } from "./cel-check";
import { planMetered, type Program } from "./cel-env";
import { withBudget } from "./cel-meter";
import { describeSyntaxError } from "./cel-syntax";

export { CONDITION_REFERENCE } from "./cel-reference";

/** What a condition sees about one call. */
export type ConditionBindings = {
  /** The call's arguments, plain JSON. */
  args: Record<string, unknown>;
  /** annotations e.g. destructiveHint, readOnlyHint, idempotentHint, openWorldHint, title */
  tool: { server: string; name: string; title?: string; description?: string; annotations: Record<string, unknown> };
  agent: { id: string; name: string; labels: Record<string, string> };
  tenant: { id: string; slug: string; name: string };
  /** source = client IP address, "" if unknown */
  request: { time: Date; client: { name: string; version: string }; source: string };
  /** Earlier tools/call of this session, oldest first; name = exposed name server__tool. */
  session: { id: string; calls: { server: string; tool: string; name: string; decision: "allow" | "deny" | "require_approval"; at: Date }[] };
};
export type ConditionVariable = keyof ConditionBindings;

export type CompiledCondition = {
  source: string;
  /** Top-level variables the expression reads (so the gateway loads session history only when needed). */
  uses: ReadonlySet<ConditionVariable>;
  /** true/false, or throws ConditionError (runtime error, non-bool result, over budget). */
  evaluate(bindings: ConditionBindings): boolean;
};

/** A condition that could not be decided for this call; the gateway denies it. */
export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConditionError";
  }
}

const MAX_SOURCE_LENGTH = 2000;
const MAX_NODES = 500;
/** Constant parts are evaluated once, when saving: the steps are limited as for a call, the CPU time less tightly. */
const CHECK_CPU_MS = 200;
const CACHE_SIZE = 1000;

type Failure = { ok: false; message: string; line: number; column: number };
type Outcome = { ok: true; compiled: CompiledCondition } | Failure;

const cache = new Map<string, Outcome>();

/** Compiles through a bounded LRU keyed by source, remembering failures too. */
function outcomeOf(source: string): Outcome {
  if (source.length > MAX_SOURCE_LENGTH) return compile(source);
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const outcome = compile(source);
  cache.set(source, outcome);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return outcome;
}

/** Parses and statically checks; throws a validation_failed AppError naming the line and column of the first problem. */
export function compileCondition(source: string): CompiledCondition {
  const outcome = outcomeOf(source);
  if (outcome.ok) return outcome.compiled;
  const message = `line ${outcome.line}, column ${outcome.column}: ${outcome.message}`;
  throw new AppError("validation_failed", message, { fields: { condition: [message] } });
}

/** Same checks without throwing, for editors. */
export function checkCondition(source: string): { ok: true } | { ok: false; message: string; line: number; column: number } {
  const outcome = outcomeOf(source);
  return outcome.ok ? { ok: true } : { ok: false, message: outcome.message, line: outcome.line, column: outcome.column };
}

function compile(source: string): Outcome {
  const fail = (offset: number, message: string): Failure => ({ ok: false, message, ...positionAt(source, offset) });
  if (source.length > MAX_SOURCE_LENGTH) return fail(MAX_SOURCE_LENGTH, `a condition has at most ${MAX_SOURCE_LENGTH} characters, this one has ${source.length}`);
  if (source.trim() === "") return fail(0, "the condition is empty; write an expression that is true or false, such as args.amount <= 100");
  let parsed: Parsed;
  try {
    // The grammar ends a // comment only at a line break, so one on the last line needs one.
    parsed = parse(`${source}\n`);
  } catch (e) {
    const problem = describeSyntaxError(source, e);
    return fail(Math.min(problem.offset, source.length), problem.message);
  }
  const nodes = allNodes(parsed.expr);
  if (nodes.length > MAX_NODES) {
    const offsets = nodes.map((n) => parsed.sourceInfo?.positions[String(n.id)] ?? 0).sort((a, b) => a - b);
    return fail(offsets[MAX_NODES]!, `the condition is too complex (${nodes.length} parts, at most ${MAX_NODES}); split it across rules`);
  }
  const checker = new Checker(parsed, source);
  try {
    checker.check();
    foldConstants(parsed, source, checker.closed);
  } catch (e) {
    if (e instanceof CheckFailure) return fail(e.offset, e.message);
    throw e;
  }
  const program = planMetered(parsed);
  const uses = new Set(checker.uses) as ReadonlySet<ConditionVariable>;
  return { ok: true, compiled: { source, uses, evaluate: (bindings) => run(program, parsed, source, bindings, uses) } };
}

const isCompound = (node: Expr) => node.exprKind.case !== "constExpr" && node.exprKind.case !== "identExpr";

/**
 * Evaluates the parts that read no variable (`1/0`, `timestamp('2026-13-01')`,
 * `duration('1x')`) once, so that one that always fails is reported when the
 * rule is saved, at its innermost failing part.
 */
function foldConstants(parsed: Parsed, source: string, closed: ReadonlySet<bigint>): void {
  const failure = (node: Expr): CheckFailure | undefined => {
    const { value, exceeded } = withBudget(() => planMetered(parsed, node)(), CHECK_CPU_MS);
    if (exceeded) return new CheckFailure(offsetOf(parsed, source, node), `this part takes too long to evaluate: it ${exceeded}`);
    if (!isCelError(value)) return undefined;
    for (const child of childrenOf(node)) {
      const inner = closed.has(child.id) && isCompound(child) ? failure(child) : undefined;
      if (inner) return inner;
    }
    return new CheckFailure(offsetOf(parsed, source, node), `this always fails: ${reword(value.message)}`);
  };
  const visit = (node: Expr): void => {
    if (closed.has(node.id) && isCompound(node)) {
      const problem = failure(node);
      if (problem) throw problem;
      return;
    }
    childrenOf(node).forEach(visit);
  };
  visit(parsed.expr);
}

function run(program: Program, parsed: Parsed, source: string, bindings: ConditionBindings, uses: ReadonlySet<ConditionVariable>): boolean {
  let input: Record<string, unknown>;
  try {
    input = toCelInputs(bindings, uses);
  } catch (e) {
    if (e instanceof InputTooLarge) throw new ConditionError(`the condition exceeded its evaluation budget: the call's input holds ${e.message}`);
    throw e;
  }
  const { value, exceeded } = withBudget(() => program(input));
  if (exceeded) throw new ConditionError(`the condition exceeded its evaluation budget: it ${exceeded}`);
  if (isCelError(value)) throw new ConditionError(runtimeMessage(value, parsed, source));
  if (typeof value !== "boolean") throw new ConditionError(`the condition must be true or false, but it gave ${kindOf(value)}`);
  return value;
}

const REWORDINGS: [RegExp, string][] = [
  [/^field not found: (.*)$/s, 'no such key "$1"'],
  [/^index (-?\d+) out of bounds.*$/s, "index $1 is out of bounds"],
  [/^Failed to parse timestamp: .*$/s, "invalid timestamp; write one like '2026-01-01T00:00:00Z'"],
  [/^Failed to parse duration: .*$/s, "invalid duration; write one like '90s', '15m' or '1h30m'"],
  [/^Cannot convert (.*) to a BigInt$/s, 'cannot convert "$1" to an int'],
];

/** The library's error messages that a person would not follow, said plainly. */
function reword(message: string): string {
  for (const [pattern, replacement] of REWORDINGS) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

function runtimeMessage(error: Extract<CelResult, Error>, parsed: Parsed, source: string): string {
  const message = reword(error.message);
  const offset = error.exprId === undefined ? undefined : parsed.sourceInfo?.positions[String(error.exprId)];
  if (offset === undefined) return message;
  const node = allNodes(parsed.expr).find((n) => n.id === error.exprId);
  const { line, column } = positionAt(source, node ? offsetOf(parsed, source, node) : offset);
  return `${message} (line ${line}, column ${column})`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return "an int";
  if (typeof value === "number") return "a double";
  if (typeof value === "string") return "a string";
  if (isCelList(value)) return "a list";
  if (isCelMap(value)) return "a map";
  return "a value that is not a bool";
}
