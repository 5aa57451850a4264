import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConditionBindings, ConditionVariable } from "./cel";

/** How much JSON (args, annotations) one evaluation will take in. */
export const INPUT_LIMITS = { values: 100_000, depth: 64 } as const;

/** MCP's defaults for the hints a tool leaves out (or sends as something other than a boolean). */
const HINT_DEFAULTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

export class InputTooLarge extends Error {}

/**
 * JSON as the library reads it fastest and safely: objects become Maps (the
 * library copies a plain object's entries on every access, and cannot read
 * one without a prototype), undefined members are dropped as JSON.stringify
 * drops them, dates become ISO strings, and numbers stay doubles so that the
 * checker's "args hold no ints" holds. Memoized per object: the rules of one
 * decision share one bindings object, which is not changed while deciding.
 */
const converted = new WeakMap<object, unknown>();

function toJson(value: unknown, count: { values: number }, depth: number): unknown {
  if (++count.values > INPUT_LIMITS.values) throw new InputTooLarge(`more than ${INPUT_LIMITS.values.toLocaleString("en-US")} values`);
  if (depth > INPUT_LIMITS.depth) throw new InputTooLarge(`values nested more than ${INPUT_LIMITS.depth} deep`);
  switch (typeof value) {
    case "string":
    case "boolean":
    case "number":
      return value;
    case "bigint":
      return Number(value);
    case "object":
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJson(item, count, depth + 1)));
  const map = new Map<string, unknown>();
  for (const [key, item] of Object.entries(value)) if (item !== undefined && typeof item !== "function") map.set(key, toJson(item, count, depth + 1));
  return map;
}

function jsonInput(value: object): unknown {
  let result = converted.get(value);
  if (result === undefined) {
    try {
      result = toJson(value, { values: 0 }, 0);
    } catch (e) {
      if (!(e instanceof InputTooLarge)) throw e;
      result = e;
    }
    converted.set(value, result);
  }
  if (result instanceof InputTooLarge) throw result;
  return result;
}

function annotations(given: Record<string, unknown>): Map<string, unknown> {
  const map = new Map(jsonInput(given) as Map<string, unknown>);
  for (const [hint, fallback] of Object.entries(HINT_DEFAULTS)) if (typeof map.get(hint) !== "boolean") map.set(hint, fallback);
  return map;
}

/** A structured value as a Map, which the library reads without copying (it copies a plain object's entries on every access). */
const record = (entries: Record<string, unknown>) => new Map(Object.entries(entries));

/** The CEL inputs for the variables an expression reads; the rest are not converted at all. */
export function toCelInputs(b: ConditionBindings, uses: ReadonlySet<ConditionVariable>): Record<string, unknown> {
  // No prototype: the library looks variables up by name, and `constructor` must not resolve.
  const input: Record<string, unknown> = Object.create(null);
  if (uses.has("args")) input.args = jsonInput(b.args);
  if (uses.has("tool")) {
    const { server, name, title = "", description = "" } = b.tool;
    input.tool = record({ server, name, title, description, annotations: annotations(b.tool.annotations) });
  }
  if (uses.has("agent")) input.agent = record({ id: b.agent.id, name: b.agent.name, labels: record(b.agent.labels) });
  if (uses.has("tenant")) input.tenant = record({ id: b.tenant.id, slug: b.tenant.slug, name: b.tenant.name });
  if (uses.has("request")) {
    const { time, client, source } = b.request;
    input.request = record({ time: timestampFromDate(time), client: record({ name: client.name, version: client.version }), source });
  }
  if (uses.has("session")) {
    // Plain objects here: most conditions read few of the calls, and the library converts an element only when it reads it.
    const calls = b.session.calls.map(({ server, tool, name, decision, at }) => ({ server, tool, name, decision, at: timestampFromDate(at) }));
    input.session = record({ id: b.session.id, calls });
  }
  return input;
}
