import { and, eq, sql } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { auditQueryWhere, parseAuditQuery, type AuditFilterInput } from "./queries";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket sizes, smallest first; a range gets the smallest that cuts it into at most MAX_BUCKETS. */
const BUCKET_SIZES: { ms: number; interval: string; label: string }[] = [
  { ms: MINUTE, interval: "1 minute", label: "1 minute" },
  { ms: 5 * MINUTE, interval: "5 minutes", label: "5 minutes" },
  { ms: 10 * MINUTE, interval: "10 minutes", label: "10 minutes" },
  { ms: 15 * MINUTE, interval: "15 minutes", label: "15 minutes" },
  { ms: 30 * MINUTE, interval: "30 minutes", label: "30 minutes" },
  { ms: HOUR, interval: "1 hour", label: "1 hour" },
  { ms: 2 * HOUR, interval: "2 hours", label: "2 hours" },
  { ms: 3 * HOUR, interval: "3 hours", label: "3 hours" },
  { ms: 6 * HOUR, interval: "6 hours", label: "6 hours" },
  { ms: 12 * HOUR, interval: "12 hours", label: "12 hours" },
  { ms: DAY, interval: "1 day", label: "1 day" },
  { ms: 7 * DAY, interval: "7 days", label: "1 week" },
];
const MAX_BUCKETS = 60;
/** Buckets start on whole minutes, hours, days (UTC) and weeks (Mondays): 2001-01-01 was a Monday. */
const ORIGIN = Date.UTC(2001, 0, 1);
/** The default range: the last day. */
const DEFAULT_RANGE_MS = DAY;
/** The longest range charted, about three years (weekly buckets). */
const MAX_RANGE_MS = 3 * 366 * DAY;

export type AuditStatsCounts = {
  /** Agent requests. */
  calls: number;
  /** Of them, refused by policy (or held and then denied). */
  denials: number;
  /** Of them, ending in an error. */
  errors: number;
  /** Total latency of the requests, median and 95th percentile, in ms (null without requests). */
  p50Ms: number | null;
  p95Ms: number | null;
};

export type AuditStatsBucket = AuditStatsCounts & { start: Date };

export type AuditStats = {
  from: Date;
  to: Date;
  bucket: { ms: number; label: string };
  /** Every bucket from the one holding `from` to the one holding `to`, empty ones included. */
  buckets: AuditStatsBucket[];
  totals: AuditStatsCounts;
};

/** The bucket size for a range: the smallest that gives at most 60 buckets (24 to 60 for most ranges). */
export function bucketSizeFor(rangeMs: number): { ms: number; interval: string; label: string } {
  return BUCKET_SIZES.find((b) => Math.ceil(rangeMs / b.ms) <= MAX_BUCKETS) ?? BUCKET_SIZES[BUCKET_SIZES.length - 1]!;
}

function bucketStart(t: number, size: number): number {
  return ORIGIN + Math.floor((t - ORIGIN) / size) * size;
}

/**
 * Agent requests of the tenant over time: calls, denials, errors and latency
 * (p50, p95) per bucket, for the same filters as the search (the time range
 * defaults to the last 24 hours ending `now`). Only agent requests count,
 * whatever `kind` or `action` says. Checks `audit.read`.
 */
export async function auditStats(ctx: TenantContext, filters: AuditFilterInput = {}, options: { now?: Date } = {}): Promise<AuditStats> {
  assertCan(ctx, "audit.read");
  const query = parseAuditQuery(filters);
  const now = options.now ?? new Date();
  const to = query.to ?? (query.from && query.from > now ? query.from : now);
  const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from > to) throw new AppError("validation_failed", "to: Must not be before `from`.", { fields: { to: ["Must not be before `from`."] } });
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new AppError("validation_failed", "from: Charts cover at most three years; narrow the range.", { fields: { from: ["At most three years before `to`."] } });
  }
  const size = bucketSizeFor(to.getTime() - from.getTime());
  // The interval is one of the constants above, written into the statement so the GROUP BY matches the select.
  const bin = sql`date_bin(${sql.raw(`'${size.interval}'::interval`)}, ${auditEvents.occurredAt}, '2001-01-01T00:00:00Z'::timestamptz)`;
  // Grouped by the timestamp itself (cheap to sort), turned into epoch milliseconds once per bucket.
  const bucket = sql`(extract(epoch from ${bin}) * 1000)::bigint`;
  const rows = await inTenant(ctx.tenant.id, async (tx) => {
    // The percentiles sort each bucket's latencies: a week of a busy tenant is a few hundred thousand, sorted in memory rather than on disk.
    // Compiling the query (JIT) would cost more than it saves at this size.
    await tx.execute(sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
    return tx
      .select({
        bucket,
        calls: sql<string>`count(*)`,
        denials: sql<string>`count(*) filter (where ${auditEvents.decision} = 'denied' or ${auditEvents.outcome} = 'denied')`,
        errors: sql<string>`count(*) filter (where ${auditEvents.outcome} = 'error')`,
        p50: sql<number | null>`percentile_disc(0.5) within group (order by ${auditEvents.totalMs})`,
        p95: sql<number | null>`percentile_disc(0.95) within group (order by ${auditEvents.totalMs})`,
      })
      .from(auditEvents)
      .where(and(auditQueryWhere(ctx.tenant.id, { ...query, kind: undefined, action: undefined, from, to }), eq(auditEvents.action, "mcp.request")))
      .groupBy(sql`grouping sets ((${bin}), ())`);
  });

  const counts = (r: (typeof rows)[number] | undefined): AuditStatsCounts => ({
    calls: Number(r?.calls ?? 0),
    denials: Number(r?.denials ?? 0),
    errors: Number(r?.errors ?? 0),
    p50Ms: r?.p50 == null ? null : Number(r.p50),
    p95Ms: r?.p95 == null ? null : Number(r.p95),
  });
  const byStart = new Map(rows.filter((r) => r.bucket != null).map((r) => [Number(r.bucket), r]));
  const buckets: AuditStatsBucket[] = [];
  for (let t = bucketStart(from.getTime(), size.ms); t <= to.getTime(); t += size.ms) {
    buckets.push({ start: new Date(t), ...counts(byStart.get(t)) });
  }
  return { from, to, bucket: { ms: size.ms, label: size.label }, buckets, totals: counts(rows.find((r) => r.bucket == null)) };
}
