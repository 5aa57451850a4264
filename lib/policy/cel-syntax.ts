/**
 * Syntax errors worded for a person. The parser reports where its longest
 * valid reading stopped ("found = but expecting end of input" for
 * `tool.name ==`), which is rarely where the mistake is; a light scan of the
 * source finds the usual culprits first: an unclosed string, an unbalanced
 * bracket, an operator with nothing after it. Only used once parsing failed.
 */
type SyntaxProblem = { offset: number; message: string };

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS = new Set(Object.values(OPENERS));
const OPERATOR = /^(==|!=|<=|>=|&&|\|\||in\b|[<>+\-*/%?:.,])/;
const VALUE_EXPECTATIONS = new Set(["identifier", "string literal", "integer literal", "float literal", "boolean literal", "null literal"]);

/** Unclosed strings, unbalanced brackets and empty arguments, skipping comments and the insides of strings. */
function scan(source: string): SyntaxProblem | undefined {
  const open: { char: string; offset: number }[] = [];
  let previous = { char: "", offset: 0 };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === ")" && previous.char === ",") return { offset: previous.offset, message: 'a value is missing after this ","' };
    if (c === "," && (previous.char === "(" || previous.char === ",")) return { offset: i, message: 'a value is missing before this ","' };
    if (!/\s/.test(c) && !(c === "/" && source[i + 1] === "/")) previous = { char: c, offset: i };
    if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "'" || c === '"') {
      const start = i;
      const raw = /[rR]/.test(source[i - 1] ?? "") && !/\w/.test(source[i - 2] ?? "");
      const quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length;
      while (i < source.length && !source.startsWith(quote, i) && (quote.length === 3 || source[i] !== "\n")) i += !raw && source[i] === "\\" ? 2 : 1;
      if (i >= source.length || !source.startsWith(quote, i)) return { offset: start, message: "this string is not closed" };
      i += quote.length - 1;
    } else if (OPENERS[c]) {
      open.push({ char: c, offset: i });
    } else if (CLOSERS.has(c)) {
      const last = open.pop();
      if (!last) return { offset: i, message: `unexpected "${c}": there is no opening bracket for it` };
      if (OPENERS[last.char] !== c) return { offset: i, message: `unexpected "${c}": the last bracket opened is "${last.char}", closed by "${OPENERS[last.char]}"` };
    }
  }
  const unclosed = open.pop();
  return unclosed && { offset: unclosed.offset, message: `this "${unclosed.char}" is never closed` };
}

type ParserError = { message: string; location?: { start: { offset: number } }; expected?: { type: string; value: string }[]; found?: string };

function isParserError(e: unknown): e is ParserError & Error {
  return e instanceof Error && typeof (e as ParserError).location?.start?.offset === "number";
}

/** Where and why the source does not parse, for any error the parser throws. */
export function describeSyntaxError(source: string, error: unknown): SyntaxProblem {
  if (error instanceof RangeError) return { offset: 0, message: "the condition is nested too deeply to read" };
  if (!isParserError(error)) return { offset: 0, message: "the condition could not be read" };
  const scanned = scan(source);
  if (scanned) return scanned;
  const offset = error.location!.start.offset;
  if (!error.expected) return { offset, message: error.message.replace(/^<input>:\d+:\d+: /, "") };
  const rest = source.slice(offset);
  const operator = OPERATOR.exec(rest)?.[0];
  const after = operator === undefined ? "" : rest.slice(operator.length).trim();
  if (operator && operator !== "." && operator !== "," && (after === "" || /^[)\]}]/.test(after) || OPERATOR.test(after) && !/^[-!.]/.test(after))) {
    return { offset, message: `"${operator}" needs a value after it` };
  }
  const expected = [...new Set(error.expected.map((e) => (e.type === "literal" ? `"${e.value}"` : e.value)))].filter((e) => e !== "whitespace" && e !== "comment");
  const token = /^(\w+|[^\w\s]+)/.exec(rest)?.[0] ?? rest.slice(0, 1);
  if (rest.trim() === "") return { offset, message: expected.some((e) => VALUE_EXPECTATIONS.has(e)) ? "the condition ends where a value is expected" : `the condition ends early; expected ${expected.join(" or ")}` };
  if (expected.length === 1 && expected[0] === "end of input") return { offset, message: `unexpected "${token}": the expression before it is complete (is an operator such as && missing?)` };
  if (expected.some((e) => VALUE_EXPECTATIONS.has(e))) return { offset, message: `unexpected "${token}": a value is expected here` };
  return { offset, message: `unexpected "${token}"; expected ${expected.join(" or ")}` };
}
