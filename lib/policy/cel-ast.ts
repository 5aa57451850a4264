import type { parse } from "@bufbuild/cel";

/** The parser's output; its Expr type lives in @bufbuild/cel-spec, which we do not depend on directly. */
export type Parsed = ReturnType<typeof parse>;
export type Expr = Parsed["expr"];
export type Call = Extract<Expr["exprKind"], { case: "callExpr" }>["value"];
export type Comprehension = Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"];

/** Direct subexpressions, as the planner will evaluate them (macros expanded). */
export function childrenOf(expr: Expr): Expr[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case "selectExpr":
      return kind.value.operand ? [kind.value.operand] : [];
    case "callExpr":
      return kind.value.target ? [kind.value.target, ...kind.value.args] : [...kind.value.args];
    case "listExpr":
      return [...kind.value.elements];
    case "structExpr":
      return kind.value.entries.flatMap((e) => [...(e.keyKind.case === "mapKey" ? [e.keyKind.value] : []), ...(e.value ? [e.value] : [])]);
    case "comprehensionExpr": {
      const c = kind.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].filter((e): e is Expr => e !== undefined);
    }
    default:
      return [];
  }
}

/** Every node of the tree, parents first; iterative so a deeply nested expression cannot overflow the stack. */
export function allNodes(root: Expr): Expr[] {
  const out: Expr[] = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

export type Position = { line: number; column: number };

/** 1-based line and column (in UTF-16 units, as editors count) of an offset into the source. */
export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    const c = source[i];
    if (c === "\n" || (c === "\r" && source[i + 1] !== "\n")) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where a node is in the source: a field or method name rather than the dot
 * before it, an operator rather than the space the parser puts it at.
 */
export function offsetOf(parsed: Parsed, source: string, expr: Expr): number {
  let offset = parsed.sourceInfo?.positions[String(expr.id)] ?? 0;
  while (offset < source.length && /\s/.test(source[offset]!)) offset++;
  if (source[offset] === "." && /[\s\w]/.test(source[offset + 1] ?? "")) {
    offset++;
    while (offset < source.length && /\s/.test(source[offset]!)) offset++;
  }
  return offset;
}

/** The first character of a whole subexpression (an operator node's own position is its operator). */
export function startOf(parsed: Parsed, expr: Expr): number {
  let start = Infinity;
  for (const node of allNodes(expr)) start = Math.min(start, parsed.sourceInfo?.positions[String(node.id)] ?? Infinity);
  return Number.isFinite(start) ? start : 0;
}

/** The value of a string literal, or undefined for anything else. */
export function stringConstant(expr: Expr | undefined): string | undefined {
  const c = expr?.exprKind.case === "constExpr" ? expr.exprKind.value.constantKind : undefined;
  return c?.case === "stringValue" ? c.value : undefined;
}

/** `a.b.c` as written, when the expression is only names and dots. */
export function qualifiedName(expr: Expr): string | undefined {
  if (expr.exprKind.case === "identExpr") return expr.exprKind.value.name;
  if (expr.exprKind.case !== "selectExpr" || expr.exprKind.value.testOnly || !expr.exprKind.value.operand) return undefined;
  const parent = qualifiedName(expr.exprKind.value.operand);
  return parent && `${parent}.${expr.exprKind.value.field}`;
}
