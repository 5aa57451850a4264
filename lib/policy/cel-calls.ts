import type { CelFunc } from "@bufbuild/cel";
import { FUNCTIONS } from "./cel-env";
import { describe, fromCelType, mayEqual, mayMatch, T, type Type } from "./cel-types";

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** ` (did you mean "name"?)` for a near miss of a known name, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of new Set(candidates)) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d <= bestDistance && candidate !== word) [best, bestDistance] = [candidate, d - 1];
  }
  return best ? ` (did you mean "${best}"?)` : "";
}

/** A type error in a call, reported by the checker at the call's position. */
export class Problem extends Error {}

type Overload = { target?: Type; args: Type[]; result: Type };

const OVERLOADS = new Map<string, Overload[]>();
for (const f of FUNCTIONS as CelFunc[]) {
  const list = OVERLOADS.get(f.name) ?? [];
  list.push({ ...(f.target && { target: fromCelType(f.target) }), args: f.arguments.map(fromCelType), result: fromCelType(f.result) });
  OVERLOADS.set(f.name, list);
}

const PUBLIC = /^[A-Za-z][\w.]*$/;
export const FUNCTION_NAMES = [...OVERLOADS.keys()].filter((n) => PUBLIC.test(n) && OVERLOADS.get(n)!.some((o) => !o.target));
export const METHOD_NAMES = [...OVERLOADS.keys()].filter((n) => PUBLIC.test(n) && OVERLOADS.get(n)!.some((o) => o.target));

export const isFunction = (name: string) => OVERLOADS.has(name);

/** How to call a macro, for when the parser left one unexpanded (its first argument was not a name). */
export const MACRO_USAGE: Record<string, string> = {
  all: "all() takes a name and a condition: list.all(x, x > 0)",
  exists: "exists() takes a name and a condition: list.exists(x, x == 'prod')",
  exists_one: "exists_one() takes a name and a condition: list.exists_one(x, x == 'prod')",
  existsOne: "existsOne() takes a name and a condition: list.existsOne(x, x == 'prod')",
  map: "map() takes a name and an expression, with an optional condition before it: list.map(x, x.name)",
  filter: "filter() takes a name and a condition: list.filter(x, x > 0)",
};

const OPERATORS: Record<string, string> = {
  "_+_": "+",
  "_-_": "-",
  "_*_": "*",
  "_/_": "/",
  "_%_": "%",
  "_<_": "<",
  "_<=_": "<=",
  "_>_": ">",
  "_>=_": ">=",
  "!_": "!",
  "-_": "-",
  "@in": "in",
};
const COMPARISONS = new Set(["_<_", "_<=_", "_>_", "_>=_"]);

const listOr = (items: string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

/** The hint for the commonest mistake: args numbers are doubles, and CEL does no mixed arithmetic. */
function jsonHint(types: Type[]): string {
  const json = types.some((t) => t.kind === "json");
  const int = types.some((t) => t.kind === "int" || t.kind === "uint");
  return json && int ? " (JSON numbers in args are doubles: write 2.0 rather than 2, or convert with int(…))" : "";
}

/** The result type of a call to a library function, or a Problem saying why no overload can accept it. */
export function resolveCall(name: string, target: Type | undefined, args: Type[]): Type {
  const all = OVERLOADS.get(name);
  if (!all) throw new Problem(`unknown ${target ? "method" : "function"} "${name}"`);
  const shaped = all.filter((o) => (o.target !== undefined) === (target !== undefined) && o.args.length === args.length);
  if (shaped.length === 0) {
    if (!all.some((o) => (o.target !== undefined) === (target !== undefined))) {
      throw new Problem(target ? `${name} is a function: write ${name}(value)` : `${name} is a method: write value.${name}(…)`);
    }
    const counts = [...new Set(all.filter((o) => (o.target !== undefined) === (target !== undefined)).map((o) => o.args.length))].sort();
    throw new Problem(`${name} takes ${listOr(counts.map(String))} argument${counts.at(-1) === 1 ? "" : "s"}, not ${args.length}`);
  }
  const fitting = shaped.filter((o) => (!target || !o.target || mayMatch(target, o.target)) && o.args.every((p, i) => mayMatch(args[i]!, p)));
  if (fitting.length === 0) throw new Problem(mismatch(name, target, args, shaped));
  const [first, ...rest] = fitting.map((o) => o.result);
  return rest.every((r) => r.kind === first!.kind && r.kind !== "list" && r.kind !== "map") ? first! : T.dyn;
}

function mismatch(name: string, target: Type | undefined, args: Type[], shaped: Overload[]): string {
  const op = OPERATORS[name];
  const hint = jsonHint(target ? [target, ...args] : args);
  if (op && args.length === 1) return `'${op}' cannot be applied to ${describe(args[0]!)}`;
  if (op && COMPARISONS.has(name)) return `'${op}' cannot compare ${describe(args[0]!)} with ${describe(args[1]!)}${hint}`;
  if (op) return `'${op}' cannot be applied to ${describe(args[0]!)} and ${describe(args[1]!)}${hint}`;
  if (target && !shaped.some((o) => o.target && mayMatch(target, o.target))) {
    return `${name}() cannot be called on ${describe(target)}${hint}`;
  }
  const expected = shaped.map((o) => `(${o.args.map((a) => a.kind).join(", ")})`);
  return `${name}() takes ${listOr([...new Set(expected)])}, not (${args.map((a) => a.kind).join(", ")})${hint}`;
}

/** `==` and `!=`: any two values may be compared at runtime, but values of unrelated types are never equal. */
export function checkEquality(op: string, left: Type, right: Type): Type {
  if (!mayEqual(left, right)) throw new Problem(`'${op}' compares ${describe(left)} with ${describe(right)}, which is never equal`);
  return T.bool;
}

/** `x in list`: the element types must be comparable too. */
export function checkIn(element: Type, collection: Type): Type {
  if (collection.kind === "list" && !mayEqual(element, collection.elem)) {
    throw new Problem(`'in' looks for ${describe(element)} in ${describe(collection)}, which is never found`);
  }
  return resolveCall("@in", undefined, [element, collection]);
}
