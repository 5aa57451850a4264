import { celFunc, celMethod, CelScalar, objectType, type CelFunc } from "@bufbuild/cel";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { assertBuildable, charge } from "./cel-meter";

/**
 * Replacements for @bufbuild/cel functions that are wrong or unbounded:
 * - its timestamp getters build a Date in the process's own time zone, so on
 *   a server whose zone has DST they return wrong hours and days around the
 *   switch, and they create an Intl.DateTimeFormat on every call;
 * - its `replace` is quadratic (seconds for a few kilobytes), replaces
 *   nothing for a negative count and inserts wrongly for an empty pattern;
 * - lowerAscii/upperAscii and size() walk strings a character at a time.
 */
const { INT, STRING } = CelScalar;
const TIMESTAMP = objectType(TimestampSchema);

type Civil = { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number };

const FIXED_OFFSET = /^([+-]?)(\d\d):(\d\d)$/;
const ZONE_CACHE_SIZE = 200;
const zones = new Map<string, Intl.DateTimeFormat>();

/** What creating a formatter costs in budget steps (50–80 µs), so that a loop over made-up zone names runs out. */
const ZONE_STEPS = 500;

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zones.get(zone);
  if (format) return format;
  charge(ZONE_STEPS);
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw new Error(`unknown time zone "${zone}"; use an IANA name such as "Europe/Berlin" or an offset such as "+01:00"`);
  }
  if (zones.size >= ZONE_CACHE_SIZE) zones.delete(zones.keys().next().value as string);
  zones.set(zone, format);
  return format;
}

/** Whether the time getters accept this zone: an IANA name, or a fixed offset like "+05:30". */
export function isTimeZone(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return true;
  try {
    zoneFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The last reading: a condition usually asks the same time for its day and then its hour, twice. */
let last: { ms: number; zone: string | undefined; civil: Civil } | undefined;

function civil(ts: Timestamp, zone: string | undefined): Civil {
  const ms = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
  if (last?.ms === ms && last.zone === zone) return last.civil;
  const result = computeCivil(ms, zone);
  last = { ms, zone, civil: result };
  return result;
}

function computeCivil(ms: number, zone: string | undefined): Civil {
  const millisecond = ((ms % 1000) + 1000) % 1000;
  const offset = zone === undefined ? null : FIXED_OFFSET.exec(zone);
  if (zone === undefined || offset) {
    const shift = offset ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
    const d = new Date(ms + shift);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond };
  }
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(zone).formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  const { year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN } = parts;
  return { year, month, day, hour: hour % 24, minute, second, millisecond };
}

/** Days since 1970-01-01 of a civil date, whatever the year (Date.UTC maps years 0–99 to 19xx). */
function epochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() / 86_400_000;
}

const GETTERS: [string, (c: Civil) => number][] = [
  ["getFullYear", (c) => c.year],
  ["getMonth", (c) => c.month - 1],
  ["getDate", (c) => c.day],
  ["getDayOfMonth", (c) => c.day - 1],
  ["getDayOfWeek", (c) => (((epochDay(c.year, c.month, c.day) + 4) % 7) + 7) % 7],
  ["getDayOfYear", (c) => epochDay(c.year, c.month, c.day) - epochDay(c.year, 1, 1)],
  ["getHours", (c) => c.hour],
  ["getMinutes", (c) => c.minute],
  ["getSeconds", (c) => c.second],
  ["getMilliseconds", (c) => c.millisecond],
];

export const TIME_GETTERS: ReadonlySet<string> = new Set(GETTERS.map(([name]) => name));

const timeFunctions = GETTERS.flatMap(([name, get]) => [
  celMethod(name, TIMESTAMP, [], INT, function () {
    return BigInt(get(civil(this.message, undefined)));
  }),
  celMethod(name, TIMESTAMP, [STRING], INT, function (zone) {
    return BigInt(get(civil(this.message, zone)));
  }),
]);

/** Refuses, before building it, a result longer than the caps allow and than the string it came from. */
function assertGrowth(s: string, length: number): void {
  if (length > s.length) assertBuildable("string", length);
}

/** Go's strings.Replace, which CEL specifies: a negative count replaces all; "" matches before each character and at the end. */
function replace(s: string, from: string, to: string, count: bigint): string {
  const limit = count < 0n ? Infinity : Number(count);
  if (from === "") {
    const n = Math.min(limit, codePoints(s) + 1);
    assertGrowth(s, s.length + n * to.length);
    const out: string[] = [];
    let inserted = 0;
    for (const char of s) out.push(inserted++ < n ? to : "", char);
    if (inserted < n) out.push(to);
    return out.join("");
  }
  const at: number[] = [];
  for (let i = s.indexOf(from); i !== -1 && at.length < limit; i = s.indexOf(from, i + from.length)) at.push(i);
  assertGrowth(s, s.length + at.length * (to.length - from.length));
  const out: string[] = [];
  let last = 0;
  for (const i of at) {
    out.push(s.slice(last, i), to);
    last = i + from.length;
  }
  out.push(s.slice(last));
  return out.join("");
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const stringFunctions = [
  celMethod("replace", STRING, [STRING, STRING], STRING, function (from, to) {
    return replace(this, from, to, -1n);
  }),
  celMethod("replace", STRING, [STRING, STRING, INT], STRING, function (from, to, count) {
    return replace(this, from, to, count);
  }),
  celMethod("lowerAscii", STRING, [], STRING, function () {
    return this.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  }),
  celMethod("upperAscii", STRING, [], STRING, function () {
    return this.replace(/[a-z]+/g, (run) => run.toUpperCase());
  }),
  celFunc("size", [STRING], INT, (s) => BigInt(codePoints(s))),
  celMethod("size", STRING, [], INT, function () {
    return BigInt(codePoints(this));
  }),
];

export const OVERRIDES: CelFunc[] = [...timeFunctions, ...stringFunctions];
