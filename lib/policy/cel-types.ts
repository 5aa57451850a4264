import type { CelType } from "@bufbuild/cel";

/**
 * The static types the condition checker infers. Gradual: `dyn` is anything
 * and is never an error; `json` is what a JSON value can be at runtime (null,
 * bool, double, string, list, map): never an int, a timestamp, a duration,
 * bytes. Objects are maps at runtime; `rest` types the keys not listed (an
 * open object), none means the listed fields are all there is.
 */
export type Type =
  | { readonly kind: ScalarKind }
  | { readonly kind: "list"; readonly elem: Type }
  | { readonly kind: "map"; readonly key: Type; readonly value: Type }
  | ObjectType;

export type ObjectType = { readonly kind: "object"; readonly name: string; readonly fields: Readonly<Record<string, Type>>; readonly rest?: Type };

type ScalarKind = "dyn" | "json" | "null" | "bool" | "int" | "uint" | "double" | "string" | "bytes" | "timestamp" | "duration" | "type";

const scalar = <K extends ScalarKind>(kind: K) => ({ kind }) as const;

export const T = {
  dyn: scalar("dyn"),
  json: scalar("json"),
  null: scalar("null"),
  bool: scalar("bool"),
  int: scalar("int"),
  uint: scalar("uint"),
  double: scalar("double"),
  string: scalar("string"),
  bytes: scalar("bytes"),
  timestamp: scalar("timestamp"),
  duration: scalar("duration"),
  type: scalar("type"),
} as const;

export const listOf = (elem: Type): Type => ({ kind: "list", elem });
export const mapOf = (key: Type, value: Type): Type => ({ kind: "map", key, value });
export const objectOf = (name: string, fields: Record<string, Type>, rest?: Type): ObjectType => ({ kind: "object", name, fields, ...(rest && { rest }) });

/** Names that denote types, as in `type(x) == string`. */
export const TYPE_NAMES = new Set(["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"]);

/** The messages the planner can build without a registry of our own: the well-known types, as CEL sees their values. */
export const MESSAGE_TYPES = new Map<string, Type>(
  Object.entries({
    Timestamp: T.timestamp,
    Duration: T.duration,
    BoolValue: T.bool,
    BytesValue: T.bytes,
    DoubleValue: T.double,
    FloatValue: T.double,
    Int32Value: T.int,
    Int64Value: T.int,
    UInt32Value: T.uint,
    UInt64Value: T.uint,
    StringValue: T.string,
    Value: T.dyn,
    Struct: mapOf(T.string, T.dyn),
    ListValue: listOf(T.dyn),
    Any: T.dyn,
  }).map(([name, type]) => [`google.protobuf.${name}`, type]),
);

const JSON_KINDS: ReadonlySet<string> = new Set(["null", "bool", "double", "string", "list", "map", "object"]);
const NUMERIC: ReadonlySet<string> = new Set(["int", "uint", "double"]);

/** Objects are maps at runtime, so they take map overloads. */
const runtimeKind = (t: Type): string => (t.kind === "object" ? "map" : t.kind);

/** Could a value of type `actual` be passed where an overload declares `param`? */
export function mayMatch(actual: Type, param: Type): boolean {
  if (param.kind === "dyn" || actual.kind === "dyn") return true;
  if (actual.kind === "json") return param.kind === "json" || JSON_KINDS.has(param.kind);
  if (param.kind === "json") return JSON_KINDS.has(actual.kind);
  return runtimeKind(actual) === runtimeKind(param);
}

/**
 * Could `==` between these ever be true? CEL compares numbers across int,
 * uint and double; anything else of different kinds is simply unequal, which
 * in a policy is a mistake worth reporting. null compares with anything.
 */
export function mayEqual(a: Type, b: Type): boolean {
  if (a.kind === "dyn" || b.kind === "dyn" || a.kind === "null" || b.kind === "null") return true;
  if (a.kind === "json" || b.kind === "json") {
    const other = a.kind === "json" ? b : a;
    return other.kind === "json" || JSON_KINDS.has(other.kind) || NUMERIC.has(other.kind);
  }
  if (NUMERIC.has(a.kind) && NUMERIC.has(b.kind)) return true;
  if (a.kind === "list" && b.kind === "list") return mayEqual(a.elem, b.elem);
  return runtimeKind(a) === runtimeKind(b);
}

/** The type both branches share, or dyn. */
export function join(a: Type, b: Type): Type {
  if (sameType(a, b)) return a;
  if (a.kind === "list" && b.kind === "list") return listOf(join(a.elem, b.elem));
  return T.dyn;
}

function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind === "list" && b.kind === "list") return sameType(a.elem, b.elem);
  if (a.kind === "map" && b.kind === "map") return sameType(a.key, b.key) && sameType(a.value, b.value);
  if (a.kind === "object" || b.kind === "object") return false;
  return a.kind === b.kind;
}

/** The library's declared type of a function parameter or result, in our terms. */
export function fromCelType(t: CelType): Type {
  switch (t.kind) {
    case "list":
      return listOf(T.dyn);
    case "map":
      return mapOf(T.dyn, T.dyn);
    case "object":
      if (t.name === "google.protobuf.Timestamp") return T.timestamp;
      if (t.name === "google.protobuf.Duration") return T.duration;
      return T.dyn;
    case "scalar":
      return t.scalar === "null_type" ? T.null : T[t.scalar];
  }
}

const NOUNS: Partial<Record<Type["kind"], string>> = { dyn: "value", json: "JSON value", object: "map" };

function noun(t: Type, plural: boolean): string {
  if (t.kind === "list" && t.elem.kind !== "dyn") return `${plural ? "lists" : "list"} of ${noun(t.elem, true)}`;
  const word = NOUNS[t.kind] ?? t.kind;
  return plural && t.kind !== "null" && t.kind !== "bytes" ? `${word}s` : word;
}

/** "an int", "a string", "a list of ints": for messages written to a person. */
export function describe(t: Type): string {
  if (t.kind === "null" || t.kind === "bytes") return t.kind;
  const word = noun(t, false);
  return `${/^[aeio]/.test(word) ? "an" : "a"} ${word}`;
}

/** The type of a literal, by the parser's name for its kind. */
export function constantType(kind: string | undefined): Type {
  const types: Record<string, Type> = { boolValue: T.bool, int64Value: T.int, uint64Value: T.uint, doubleValue: T.double, stringValue: T.string, bytesValue: T.bytes };
  return (kind === undefined ? undefined : types[kind]) ?? T.null;
}

/** What a comprehension over a value of this type iterates: list elements, map keys; undefined when it cannot iterate. */
export function elementType(t: Type): Type | undefined {
  switch (t.kind) {
    case "list":
      return t.elem;
    case "map":
      return t.key;
    case "object":
      return T.string;
    case "json":
    case "dyn":
      return t;
    default:
      return undefined;
  }
}
