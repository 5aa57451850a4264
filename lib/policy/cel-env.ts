import { celEnv, celFunc, celList, celMethod, CelScalar, isCelError, isCelList, listType, plan, type CelFunc, type CelList, type CelResult, type CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { allNodes, childrenOf, type Expr, type Parsed } from "./cel-ast";
import { OVERRIDES } from "./cel-functions";
import { assertBuildable, charge, sizeOf, stepsFor } from "./cel-meter";

/** Every function a condition may call, as the library resolves them: its standard set, the strings extension, our replacements. */
export const FUNCTIONS: readonly CelFunc[] = [...celEnv({ funcs: [...strings, ...OVERRIDES] }).funcs];

function callMetered(f: CelFunc, target: CelValue | undefined, args: CelValue[]): CelValue {
  let input = sizeOf(target);
  for (const arg of args) input = Math.max(input, sizeOf(arg));
  charge(stepsFor(input));
  const result = f.call(0, target, args);
  // Rethrown as a plain Error so that the library tags it with this call's position.
  if (result === undefined || isCelError(result)) throw new Error(result?.message ?? `no overload of ${f.name} for these arguments`);
  const size = sizeOf(result);
  if (size > input) assertBuildable(isCelList(result) ? "list" : "string", size);
  return result;
}

/**
 * Functions whose work grows with their input: those taking a string, bytes,
 * a list, a map or any value. The others run in constant time, and the loop
 * they run in pays for them (outside loops, the tree's size bounds them).
 */
function growsWithInput(f: CelFunc): boolean {
  return [f.target, ...f.arguments].some((t) => t !== undefined && (t.kind === "list" || t.kind === "map" || (t.kind === "scalar" && ["string", "bytes", "dyn"].includes(t.scalar))));
}

/** The same function, charging the budget per call by the size of its input and refusing results that outgrow the caps. */
function metered(f: CelFunc): CelFunc {
  // The signature is f's own; the casts only bridge the library's per-signature generics.
  if (f.target === undefined) return celFunc(f.name, f.arguments, f.result, ((...args: CelValue[]) => callMetered(f, undefined, args)) as never);
  return celMethod(f.name, f.target, f.arguments, f.result, function (this: CelValue, ...args: CelValue[]) {
    return callMetered(f, this, args);
  } as never);
}

const matches = FUNCTIONS.find((f) => f.id === "string.matches(string)");

/** Why a regular expression does not compile in the library's RE2 dialect, or undefined when it does. */
export function checkPattern(pattern: string): string | undefined {
  const result = matches?.call(0, "", [pattern]);
  return isCelError(result) ? result.message : undefined;
}

const TICK = "@gatehouse.tick";
const APPEND = "@gatehouse.append";

/** Lists that a map/filter comprehension is still building: only its own accumulator, which nothing else can see. */
const building = new WeakMap<CelList, CelValue[]>();

const internal = [
  celFunc(TICK, [CelScalar.DYN, CelScalar.INT], CelScalar.DYN, (value, steps) => {
    charge(Number(steps));
    return value;
  }),
  celFunc(APPEND, [listType(CelScalar.DYN), CelScalar.DYN], listType(CelScalar.DYN), (list, value) => {
    const items = building.get(list);
    if (items) {
      assertBuildable("list", items.length + 1);
      items.push(value);
      return list;
    }
    const fresh = [...list, value];
    const grown = celList(fresh);
    building.set(grown, fresh);
    return grown;
  }),
];

const env = celEnv({ funcs: [...FUNCTIONS.map((f) => (growsWithInput(f) ? metered(f) : f)), ...internal] });

function call(parsed: Parsed, next: () => bigint, at: Expr, fn: string, args: Expr[]): Expr {
  const id = next();
  const positions = parsed.sourceInfo?.positions;
  if (positions) positions[String(id)] = positions[String(at.id)] ?? 0;
  return { $typeName: "cel.expr.Expr", id, exprKind: { case: "callExpr", value: { $typeName: "cel.expr.Expr.Call", function: fn, args } } };
}

const int = (id: bigint, value: number): Expr => ({
  $typeName: "cel.expr.Expr",
  id,
  exprKind: { case: "constExpr", value: { $typeName: "cel.expr.Constant", constantKind: { case: "int64Value", value: BigInt(value) } } },
});

/** The nodes of a loop's body, a nested loop counting as one (it charges its own iterations). */
function size(expr: Expr | undefined): number {
  if (!expr || expr.exprKind.case === "comprehensionExpr") return expr ? 1 : 0;
  return 1 + childrenOf(expr).reduce((n, child) => n + size(child), 0);
}

/** `@result + [e]`, as the parser expands map and filter. */
function appendedElement(step: Expr, accu: string): Expr | undefined {
  if (step.exprKind.case !== "callExpr" || step.exprKind.value.function !== "_+_") return undefined;
  const [left, right] = step.exprKind.value.args;
  if (left?.exprKind.case !== "identExpr" || left.exprKind.value.name !== accu) return undefined;
  if (right?.exprKind.case !== "listExpr" || right.exprKind.value.elements.length !== 1) return undefined;
  return right.exprKind.value.elements[0];
}

/**
 * Splices the budget into every comprehension: each iteration charges a step
 * per node of its body, and map/filter append in place instead of through the
 * library's list concatenation, whose nesting makes iterating the result
 * quadratic and overflows the stack past a few thousand elements.
 */
function instrument(parsed: Parsed): void {
  const nodes = allNodes(parsed.expr);
  let last = nodes.reduce((max, n) => (n.id > max ? n.id : max), 0n);
  const next = () => ++last;
  for (const node of nodes) {
    if (node.exprKind.case !== "comprehensionExpr") continue;
    const c = node.exprKind.value;
    const steps = 1 + size(c.loopCondition) + size(c.loopStep);
    if (c.loopCondition) c.loopCondition = call(parsed, next, node, TICK, [c.loopCondition, int(next(), steps)]);
    const step = c.loopStep;
    if (!step) continue;
    const accu = (): Expr => ({ $typeName: "cel.expr.Expr", id: next(), exprKind: { case: "identExpr", value: { $typeName: "cel.expr.Expr.Ident", name: c.accuVar } } });
    const element = appendedElement(step, c.accuVar);
    if (element) {
      c.loopStep = call(parsed, next, step, APPEND, [accu(), element]);
    } else if (step.exprKind.case === "callExpr" && step.exprKind.value.function === "_?_:_") {
      const args = step.exprKind.value.args;
      const inner = args[1] && appendedElement(args[1], c.accuVar);
      if (inner && args[1]) args[1] = call(parsed, next, args[1], APPEND, [accu(), inner]);
    }
  }
}

export type Program = (bindings?: Record<string, unknown>) => CelResult;

const instrumented = new WeakSet<Parsed>();

/** Plans a parsed expression (instrumented in place) or one of its subtrees; run it inside withBudget. */
export function planMetered(parsed: Parsed, subtree?: Expr): Program {
  if (!instrumented.has(parsed)) {
    instrument(parsed);
    instrumented.add(parsed);
  }
  return plan(env, subtree ?? parsed.expr) as Program;
}
