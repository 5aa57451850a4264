import type { ActionState } from "@/lib/actions";

/**
 * Messages of a failed simulation that no input of the panel shows: the
 * draft's (`rules.2.condition` → "Rule 3 condition: …") and nested ones such
 * as `sessionCalls.1.tool`.
 */
export function draftErrors(state: ActionState<object>, shownFields: string[]): { rules: string[]; others: string[] } {
  const rules: string[] = [];
  const others: string[] = [];
  if (!state || state.ok) return { rules, others };
  for (const [key, messages] of Object.entries(state.fields ?? {})) {
    const m = /^rules\.(\d+)(?:\.([\w.]+))?$/.exec(key);
    if (m) rules.push(`Rule ${Number(m[1]) + 1}${m[2] ? ` ${m[2].split(".")[0]}` : ""}: ${messages.join(" ")}`);
    else if (key === "rules") rules.push(messages.join(" "));
    else if (!shownFields.includes(key)) others.push(`${key}: ${messages.join(" ")}`);
  }
  return { rules, others };
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone` is ahead of UTC at the instant `utcMs`, in milliseconds. */
function offsetAt(timeZone: string, utcMs: number): number {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    partsFormat.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time (`2026-03-02T09:30`, as a datetime-local input
 * gives it) names in `timeZone`, as an ISO string. Throws RangeError for an
 * unknown zone.
 */
export function zonedToInstant(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) throw new RangeError("not a date and time");
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // The offset at the guessed instant can differ from the one at the answer near a DST change: ask twice.
  const first = offsetAt(timeZone, wall);
  let instant = wall - first;
  const second = offsetAt(timeZone, instant);
  if (second !== first) instant = wall - second;
  return new Date(instant).toISOString();
}
