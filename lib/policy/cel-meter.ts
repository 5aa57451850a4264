import { isCelList, isCelMap } from "@bufbuild/cel";

/**
 * The evaluation budget. @bufbuild/cel has no cost limits, so every function
 * on strings, lists and maps, and every comprehension iteration (see
 * cel-env.ts), calls charge().
 * The budget is counted in steps, so that a condition decides the same way
 * whatever the load on the server: a 20 ms wall-clock limit failed a
 * map-and-exists over 1,000 elements now and then on a busy machine, where
 * a process may get a tenth of a core. CPU time is a backstop for work the
 * step count misjudges. The work between two charges is kept small by
 * capping what one step may build. Evaluation is synchronous, so one
 * module-level meter is enough.
 */
export const LIMITS = {
  /**
   * Steps for one evaluation: a loop iteration costs one plus one per node of
   * its body, a call on a string, list or map one more plus one per 128
   * characters or elements it may walk. 200,000 take 10–50 ms of CPU once warm.
   */
  steps: 200_000,
  /** CPU time for one evaluation, above what the steps take even before the JIT has warmed up (120 ms, compiler threads included). */
  cpuMs: 250,
  /** A string a condition builds (longer ones it was given pass through). */
  stringLength: 1_000_000,
  /** A list a condition builds. */
  listSize: 100_000,
} as const;

/** Steps between two readings of the CPU clock, which costs as much as a few steps. */
const CHECK_EVERY = 64;

/** The process's CPU time in ms; wall-clock time where there is no process (a browser checking a condition). */
function cpuMs(): number {
  if (typeof process === "undefined" || typeof process.cpuUsage !== "function") return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

type Meter = { cpuLimitMs: number; steps: number; nextCheck: number; cpuStart?: number; exceeded?: string };

let current: Meter | undefined;

/**
 * Runs `fn` under a budget; `exceeded` says why it ran out, even when an
 * error it caused was absorbed by `||`. The CPU clock is first read after
 * CHECK_EVERY steps, so that short evaluations never pay for it.
 */
export function withBudget<R>(fn: () => R, cpuLimitMs: number = LIMITS.cpuMs): { value: R; exceeded?: string } {
  const previous = current;
  const meter: Meter = { cpuLimitMs, steps: 0, nextCheck: CHECK_EVERY };
  current = meter;
  try {
    const value = fn();
    return { value, exceeded: meter.exceeded };
  } finally {
    current = previous;
  }
}

/** Work about to be done: throws once the budget is spent (inside a CEL function, the throw becomes a CEL error). */
export function charge(steps = 1): void {
  const meter = current;
  if (meter === undefined) return;
  meter.steps += steps;
  if (meter.steps < meter.nextCheck && meter.exceeded === undefined) return;
  if (meter.exceeded !== undefined) overBudget(meter.exceeded);
  if (meter.steps > LIMITS.steps) overBudget(`took more than ${LIMITS.steps.toLocaleString("en-US")} steps`);
  const now = cpuMs();
  meter.cpuStart ??= now;
  if (now - meter.cpuStart > meter.cpuLimitMs) overBudget(`used more than ${meter.cpuLimitMs} ms of CPU time`);
  meter.nextCheck = meter.steps + CHECK_EVERY;
}

export function overBudget(reason: string): never {
  if (current) current.exceeded ??= reason;
  throw new Error(`exceeded its evaluation budget: it ${current?.exceeded ?? reason}`);
}

/** A string or list about to be built: refused when it outgrows the caps. */
export function assertBuildable(kind: "string" | "list", size: number): void {
  const cap = kind === "string" ? LIMITS.stringLength : LIMITS.listSize;
  if (size > cap) overBudget(`built a ${kind} of more than ${cap.toLocaleString("en-US")} ${kind === "string" ? "characters" : "elements"}`);
}

/** The steps a call on values of this size is charged. */
export const stepsFor = (size: number) => 1 + (size >> 7);

/** The size that the caps apply to: characters, bytes or elements. */
export function sizeOf(value: unknown): number {
  if (typeof value === "string" || value instanceof Uint8Array) return value.length;
  if (isCelList(value) || isCelMap(value)) return value.size;
  return 0;
}
