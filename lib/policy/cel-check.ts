import { allNodes, offsetOf, qualifiedName, startOf, stringConstant, type Call, type Comprehension, type Expr, type Parsed } from "./cel-ast";
import { checkEquality, checkIn, didYouMean, FUNCTION_NAMES, isFunction, MACRO_USAGE, METHOD_NAMES, Problem, resolveCall } from "./cel-calls";
import { checkPattern } from "./cel-env";
import { isTimeZone, TIME_GETTERS } from "./cel-functions";
import { VARIABLE_TYPES } from "./cel-reference";
import { constantType, describe, elementType, join, listOf, mapOf, mayEqual, mayMatch, MESSAGE_TYPES, T, TYPE_NAMES, type Type } from "./cel-types";

/** all/exists/exists_one/map/filter inside one another: two levels are plenty for a policy, three can be n³ work. */
const MAX_NESTING = 2;

/** A problem found before evaluation, at an offset into the source. */
export class CheckFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const VARIABLES = [...VARIABLE_TYPES.keys()];

/** A name in scope: comprehension variables shadow the six variables. */
type Scope = { name: string; t: Type; level: number; parent: Scope } | undefined;

/**
 * An inferred type, and the outermost comprehension level whose variable the
 * expression reads (0 for the six variables): a node at depth d with
 * level > d reads nothing from outside itself, so it can be evaluated now.
 */
type Result = { t: Type; level: number };
const constant = (t: Type): Result => ({ t, level: Infinity });
const lowest = (rs: (Result | undefined)[]) => Math.min(Infinity, ...rs.map((r) => r?.level ?? Infinity));

/**
 * A gradual type check over the parsed (macro-expanded) AST: unknown names,
 * fields, functions and arities, operands that no overload accepts, and a
 * result that cannot be a bool. Whatever it cannot know is dyn and left to
 * runtime. Also collects the variables read and the closed subexpressions.
 */
export class Checker {
  readonly uses = new Set<string>();
  readonly closed = new Set<bigint>();
  private readonly byId = new Map<bigint, Expr>();

  constructor(
    private readonly parsed: Parsed,
    private readonly source: string,
  ) {
    for (const node of allNodes(parsed.expr)) this.byId.set(node.id, node);
  }

  check(): void {
    const root = this.walk(this.parsed.expr, undefined, 0);
    if (!mayMatch(root.t, T.bool)) this.failAt(startOf(this.parsed, this.parsed.expr), `a condition must be true or false, this is ${describe(root.t)}`);
  }

  private failAt(offset: number, message: string): never {
    throw new CheckFailure(offset, message);
  }

  private fail(expr: Expr, message: string): never {
    this.failAt(offsetOf(this.parsed, this.source, expr), message);
  }

  private walk(expr: Expr, scope: Scope, depth: number): Result {
    const result = this.infer(expr, scope, depth);
    if (result.level > depth) this.closed.add(expr.id);
    return result;
  }

  private infer(expr: Expr, scope: Scope, depth: number): Result {
    const kind = expr.exprKind;
    switch (kind.case) {
      case "constExpr":
        return constant(constantType(kind.value.constantKind.case));
      case "identExpr":
        return this.ident(expr, kind.value.name, scope);
      case "selectExpr": {
        const type = MESSAGE_TYPES.get(qualifiedName(expr) ?? "");
        if (type && !this.declared(qualifiedName(expr)!.split(".")[0]!, scope)) return constant(T.type);
        const operand = this.walk(kind.value.operand!, scope, depth);
        const t = this.field(expr, operand.t, kind.value.field);
        return { t: kind.value.testOnly ? T.bool : t, level: operand.level };
      }
      case "callExpr":
        return this.call(expr, kind.value, scope, depth);
      case "listExpr": {
        const items = kind.value.elements.map((e) => this.walk(e, scope, depth));
        return { t: listOf(items.map((i) => i.t).reduce(join, items[0]?.t ?? T.dyn)), level: lowest(items) };
      }
      case "structExpr": {
        const keys = kind.value.entries.map((e) => (e.keyKind.case === "mapKey" ? this.walk(e.keyKind.value, scope, depth) : undefined));
        const values = kind.value.entries.map((e) => this.walk(e.value!, scope, depth));
        const level = lowest([...keys, ...values]);
        if (kind.value.messageName) {
          const type = MESSAGE_TYPES.get(kind.value.messageName) ?? MESSAGE_TYPES.get(`google.protobuf.${kind.value.messageName}`);
          return type ? { t: type, level } : this.fail(expr, `unknown message type "${kind.value.messageName}"`);
        }
        keys.forEach((k, i) => {
          if (k && ["null", "list", "map", "object", "timestamp", "duration", "bytes", "type"].includes(k.t.kind)) {
            this.fail(kind.value.entries[i]!.keyKind.value as Expr, `a map key is a string, an int, a uint or a bool, not ${describe(k.t)}`);
          }
        });
        const join2 = (rs: (Result | undefined)[]) => rs.map((r) => r?.t ?? T.dyn).reduce(join, rs[0]?.t ?? T.dyn);
        return { t: mapOf(join2(keys), join2(values)), level };
      }
      case "comprehensionExpr":
        return this.comprehension(expr, kind.value, scope, depth);
      default: {
        // A macro's argument that is itself a macro is a placeholder holding only the id of its expansion.
        const expansion = this.byId.get(expr.id);
        return expansion && expansion !== expr ? this.walk(expansion, scope, depth) : this.fail(expr, "this part of the condition could not be read");
      }
    }
  }

  private declared(name: string, scope: Scope): boolean {
    for (let s = scope; s; s = s.parent) if (s.name === name) return true;
    return VARIABLE_TYPES.has(name);
  }

  private ident(expr: Expr, name: string, scope: Scope): Result {
    for (let s = scope; s; s = s.parent) if (s.name === name) return { t: s.t, level: s.level };
    const variable = VARIABLE_TYPES.get(name);
    if (variable) {
      this.uses.add(name);
      return { t: variable, level: 0 };
    }
    if (TYPE_NAMES.has(name)) return constant(T.type);
    const names = [...VARIABLES];
    for (let s = scope; s; s = s.parent) names.push(s.name);
    this.fail(expr, `unknown name "${name}"${didYouMean(name, names)}; a condition reads ${VARIABLES.slice(0, -1).join(", ")} and ${VARIABLES.at(-1)}`);
  }

  private field(expr: Expr, t: Type, name: string): Type {
    switch (t.kind) {
      case "dyn":
      case "json":
        return t;
      case "map":
        return t.value;
      case "object": {
        const known = Object.keys(t.fields);
        return t.fields[name] ?? t.rest ?? this.fail(expr, `${t.name} has no field "${name}"${didYouMean(name, known)}; it has ${known.join(", ")}`);
      }
      default:
        return this.fail(expr, `${describe(t)} has no fields${isFunction(name) ? `; to call ${name}, write .${name}()` : ""}`);
    }
  }

  private call(expr: Expr, call: Call, scope: Scope, depth: number): Result {
    const { function: name, target, args } = call;
    const walkAll = () => args.map((a) => this.walk(a, scope, depth));
    // As the planner does: `strings.quote(x)` is the function strings.quote when one exists.
    const qualified = target && qualifiedName(target);
    if (qualified && isFunction(`${qualified}.${name}`)) return this.overload(expr, `${qualified}.${name}`, undefined, args, scope, depth);
    switch (name) {
      case "_&&_":
      case "_||_": {
        const operands = walkAll();
        operands.forEach((o, i) => {
          if (!mayMatch(o.t, T.bool)) this.failAt(startOf(this.parsed, args[i]!), `'${name.slice(1, 3)}' needs true or false on both sides, this is ${describe(o.t)}`);
        });
        return { t: T.bool, level: lowest(operands) };
      }
      case "_?_:_": {
        const [test, yes, no] = walkAll();
        if (!mayMatch(test!.t, T.bool)) this.failAt(startOf(this.parsed, args[0]!), `the test of '? :' must be true or false, this is ${describe(test!.t)}`);
        return { t: join(yes!.t, no!.t), level: lowest([test, yes, no]) };
      }
      case "_[_]":
        return this.index(expr, args, scope, depth);
      case "has":
        return this.fail(expr, "has() takes a field: has(args.table)");
      case "@not_strictly_false":
        return { t: T.bool, level: lowest(walkAll()) };
    }
    // The parser expands a macro only when its first argument is a name.
    const usage = target && !isFunction(name) ? MACRO_USAGE[name] : undefined;
    if (usage) this.fail(expr, usage);
    return this.overload(expr, name, target, args, scope, depth);
  }

  private overload(expr: Expr, name: string, targetExpr: Expr | undefined, argExprs: Expr[], scope: Scope, depth: number): Result {
    const target = targetExpr && this.walk(targetExpr, scope, depth);
    const args = argExprs.map((a) => this.walk(a, scope, depth));
    const level = lowest([target, ...args]);
    const zone = TIME_GETTERS.has(name) && target ? stringConstant(argExprs[0]) : undefined;
    if (zone !== undefined && !isTimeZone(zone)) {
      this.fail(argExprs[0]!, `unknown time zone "${zone}"; use an IANA name such as "Europe/Berlin" or an offset such as "+01:00"`);
    }
    const pattern = name === "matches" ? stringConstant(argExprs.at(-1)) : undefined;
    const invalid = pattern === undefined ? undefined : checkPattern(pattern);
    if (invalid) this.fail(argExprs.at(-1)!, `invalid regular expression: ${invalid}`);
    try {
      if (name === "_==_" || name === "_!=_") return { t: checkEquality(name.slice(1, 3), args[0]!.t, args[1]!.t), level };
      if (name === "@in") return { t: checkIn(args[0]!.t, args[1]!.t), level };
      const t = resolveCall(name, target?.t, args.map((a) => a.t));
      const [left, right] = args.map((a) => a.t);
      if (name === "_+_" && left?.kind === "list" && right?.kind === "list") return { t: listOf(join(left.elem, right.elem)), level };
      return { t, level };
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      const names = target ? [...METHOD_NAMES, ...Object.keys(MACRO_USAGE)] : [...FUNCTION_NAMES, "has"];
      return this.fail(expr, e.message + (e.message.startsWith("unknown ") ? didYouMean(name, names) : ""));
    }
  }

  private index(expr: Expr, argExprs: Expr[], scope: Scope, depth: number): Result {
    const [operand, index] = argExprs.map((a) => this.walk(a, scope, depth)) as [Result, Result];
    const level = lowest([operand, index]);
    const t = operand.t;
    switch (t.kind) {
      case "list":
        if (![T.int, T.uint, T.double].some((number) => mayMatch(index.t, number))) this.fail(expr, `a list index is a number, not ${describe(index.t)}`);
        return { t: t.elem, level };
      case "map":
        if (!mayEqual(index.t, t.key)) this.fail(expr, `a key of this map is ${describe(t.key)}, not ${describe(index.t)}`);
        return { t: t.value, level };
      case "object": {
        const key = stringConstant(argExprs[1]);
        return { t: key === undefined ? T.dyn : this.field(expr, t, key), level };
      }
      case "json":
      case "dyn":
        return { t, level };
      default:
        return this.fail(expr, `${describe(t)} cannot be indexed`);
    }
  }

  private comprehension(expr: Expr, c: Comprehension, scope: Scope, depth: number): Result {
    const macro = this.parsed.sourceInfo?.macroCalls[String(expr.id)];
    const call = macro?.exprKind.case === "callExpr" ? macro.exprKind.value : undefined;
    const name = call?.function ?? "a comprehension";
    if (depth + 1 > MAX_NESTING) this.fail(expr, `all, exists, exists_one, map and filter may be nested at most ${MAX_NESTING} deep`);
    const range = this.walk(c.iterRange!, scope, depth);
    const element = elementType(range.t) ?? this.fail(expr, `${name}() needs a list or a map, not ${describe(range.t)}`);
    const inner: Scope = { name: c.iterVar, t: element, level: depth + 1, parent: scope };
    if (!call) {
      // Not from a macro (the parser always records one): type the expansion itself.
      const init = this.walk(c.accuInit!, scope, depth);
      const accu: Scope = { name: c.accuVar, t: T.dyn, level: depth + 1, parent: inner };
      const body = [c.loopCondition, c.loopStep, c.result].map((e) => this.walk(e!, accu, depth + 1));
      return { t: T.dyn, level: lowest([range, init, ...body]) };
    }
    const body = call.args.slice(1).map((a) => this.walk(a, inner, depth + 1));
    const test = name === "map" ? (body.length === 2 ? 0 : -1) : 0;
    if (test >= 0 && !mayMatch(body[test]!.t, T.bool)) {
      this.failAt(startOf(this.parsed, this.byId.get(call.args[test + 1]!.id) ?? call.args[test + 1]!), `the condition in ${name}() must be true or false, this is ${describe(body[test]!.t)}`);
    }
    const t = name === "map" ? listOf(body.at(-1)!.t) : name === "filter" ? listOf(element) : T.bool;
    return { t, level: lowest([range, ...body]) };
  }
}
