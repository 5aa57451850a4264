import { Table, TableHead, Td } from "@/components/table";
import type { AuditStats, AuditStatsBucket } from "@/lib/audit/stats";

// Plain SVG, drawn on the server: no chart library, nothing to load. Each
// chart is an image with a title and a description that says what it shows in
// words; the numbers themselves are in a table below the charts.

const WIDTH = 600;
const HEIGHT = 140;
const PAD = { top: 8, right: 8, bottom: 22, left: 44 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

const number = new Intl.NumberFormat("en");
const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const dayOfMonth = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const dayAndTime = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

const DAY = 24 * 3_600_000;

/** A bucket's start as a person reads it: the time of day for short buckets, the day for daily ones. */
function bucketLabel(start: Date, bucketMs: number, rangeMs: number): string {
  if (bucketMs >= DAY) return dayOfMonth.format(start);
  return rangeMs > DAY ? dayAndTime.format(start) : timeOfDay.format(start);
}

/** A round number at or above `max`, for the y axis. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((v) => v >= max)!;
}

function XAxis({ buckets, label }: { buckets: AuditStatsBucket[]; label: (b: AuditStatsBucket) => string }) {
  const ticks = [0, Math.floor((buckets.length - 1) / 2), buckets.length - 1].filter((v, i, a) => a.indexOf(v) === i);
  const step = PLOT_W / Math.max(buckets.length, 1);
  return (
    <g aria-hidden="true" className="fill-zinc-500 text-[10px] dark:fill-zinc-400">
      {ticks.map((i) => (
        <text key={i} x={PAD.left + i * step + step / 2} y={HEIGHT - 6} textAnchor={i === 0 ? "start" : i === buckets.length - 1 ? "end" : "middle"}>
          {label(buckets[i]!)}
        </text>
      ))}
    </g>
  );
}

function YAxis({ max, unit }: { max: number; unit: string }) {
  return (
    <g aria-hidden="true" className="text-[10px]">
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + PLOT_H * (1 - f)} y2={PAD.top + PLOT_H * (1 - f)} className="stroke-zinc-200 dark:stroke-zinc-800" strokeWidth={1} />
          <text x={PAD.left - 6} y={PAD.top + PLOT_H * (1 - f) + 3} textAnchor="end" className="fill-zinc-500 dark:fill-zinc-400">
            {number.format(max * f)}
            {f === 1 ? unit : ""}
          </text>
        </g>
      ))}
    </g>
  );
}

function Legend({ items }: { items: { label: string; className: string }[] }) {
  return (
    <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-hidden="true">
      {items.map((i) => (
        <li key={i.label} className="flex items-center gap-1.5">
          <span className={`inline-block size-2.5 rounded-sm ${i.className}`} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

/** Calls per bucket as bars, the denied and failed share of each drawn over it. */
function CallsChart({ stats, id, label }: { stats: AuditStats; id: string; label: (b: AuditStatsBucket) => string }) {
  const { buckets, totals } = stats;
  const max = niceMax(Math.max(...buckets.map((b) => b.calls)));
  const step = PLOT_W / Math.max(buckets.length, 1);
  const bar = Math.max(1, step * 0.75);
  const y = (v: number) => PAD.top + PLOT_H * (1 - v / max);
  const busiest = buckets.reduce((a, b) => (b.calls > a.calls ? b : a), buckets[0]!);
  return (
    <figure className="min-w-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{`Agent requests per ${stats.bucket.label}`}</title>
        <desc id={`${id}-desc`}>
          {totals.calls === 0
            ? "No agent requests in this range."
            : `${number.format(totals.calls)} requests, ${number.format(totals.denials)} denied and ${number.format(totals.errors)} failed; the busiest ${stats.bucket.label} began ${label(busiest)} with ${number.format(busiest.calls)}.`}
        </desc>
        <YAxis max={max} unit="" />
        {buckets.map((b, i) => {
          const x = PAD.left + i * step + (step - bar) / 2;
          return (
            <g key={b.start.toISOString()}>
              {b.calls > 0 ? <rect x={x} y={y(b.calls)} width={bar} height={PLOT_H * (b.calls / max)} className="fill-indigo-400 dark:fill-indigo-500" /> : null}
              {b.errors > 0 ? <rect x={x} y={y(b.errors + b.denials)} width={bar} height={PLOT_H * (b.errors / max)} className="fill-amber-400" /> : null}
              {b.denials > 0 ? <rect x={x} y={y(b.denials)} width={bar} height={PLOT_H * (b.denials / max)} className="fill-red-500" /> : null}
            </g>
          );
        })}
        <XAxis buckets={buckets} label={label} />
      </svg>
      <figcaption>
        <Legend
          items={[
            { label: "Requests", className: "bg-indigo-400 dark:bg-indigo-500" },
            { label: "Denied", className: "bg-red-500" },
            { label: "Failed", className: "bg-amber-400" },
          ]}
        />
      </figcaption>
    </figure>
  );
}

/** Median and 95th percentile latency per bucket, as two lines (gaps where a bucket had no requests). */
function LatencyChart({ stats, id, label }: { stats: AuditStats; id: string; label: (b: AuditStatsBucket) => string }) {
  const { buckets, totals } = stats;
  const max = niceMax(Math.max(...buckets.map((b) => b.p95Ms ?? 0)));
  const step = PLOT_W / Math.max(buckets.length, 1);
  const point = (b: AuditStatsBucket, i: number, v: number) => `${(PAD.left + i * step + step / 2).toFixed(1)},${(PAD.top + PLOT_H * (1 - v / max)).toFixed(1)}`;
  /** One polyline per run of buckets with requests. */
  const lines = (pick: (b: AuditStatsBucket) => number | null) => {
    const runs: string[][] = [[]];
    buckets.forEach((b, i) => {
      const v = pick(b);
      if (v == null) runs.push([]);
      else runs[runs.length - 1]!.push(point(b, i, v));
    });
    return runs.filter((r) => r.length > 0);
  };
  const slowest = buckets.reduce((a, b) => ((b.p95Ms ?? -1) > (a.p95Ms ?? -1) ? b : a), buckets[0]!);
  return (
    <figure className="min-w-0">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{`Latency of agent requests per ${stats.bucket.label}, median and 95th percentile`}</title>
        <desc id={`${id}-desc`}>
          {totals.p50Ms == null
            ? "No agent requests in this range."
            : `Over the range: median ${number.format(totals.p50Ms)} ms, 95th percentile ${number.format(totals.p95Ms ?? 0)} ms; the slowest ${stats.bucket.label} began ${label(slowest)} with a 95th percentile of ${number.format(slowest.p95Ms ?? 0)} ms.`}
        </desc>
        <YAxis max={max} unit=" ms" />
        {lines((b) => b.p95Ms).map((pts, i) =>
          pts.length === 1 ? (
            <circle key={`p95-${i}`} cx={pts[0]!.split(",")[0]} cy={pts[0]!.split(",")[1]} r={2} className="fill-amber-500" />
          ) : (
            <polyline key={`p95-${i}`} points={pts.join(" ")} fill="none" strokeWidth={1.5} className="stroke-amber-500" />
          ),
        )}
        {lines((b) => b.p50Ms).map((pts, i) =>
          pts.length === 1 ? (
            <circle key={`p50-${i}`} cx={pts[0]!.split(",")[0]} cy={pts[0]!.split(",")[1]} r={2} className="fill-indigo-500" />
          ) : (
            <polyline key={`p50-${i}`} points={pts.join(" ")} fill="none" strokeWidth={1.5} className="stroke-indigo-500" />
          ),
        )}
        <XAxis buckets={buckets} label={label} />
      </svg>
      <figcaption>
        <Legend
          items={[
            { label: "Median (p50)", className: "bg-indigo-500" },
            { label: "95th percentile (p95)", className: "bg-amber-500" },
          ]}
        />
      </figcaption>
    </figure>
  );
}

/** Calls, denials, errors and latency over the chosen range, as two charts and, on request, as a table. */
export function AuditCharts({ stats }: { stats: AuditStats }) {
  const rangeMs = stats.to.getTime() - stats.from.getTime();
  const label = (b: AuditStatsBucket) => bucketLabel(b.start, stats.bucket.ms, rangeMs);
  const ms = (v: number | null) => (v == null ? "—" : `${number.format(v)} ms`);
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {[
          ["Requests", number.format(stats.totals.calls)],
          ["Denied", number.format(stats.totals.denials)],
          ["Failed", number.format(stats.totals.errors)],
          ["Median latency", ms(stats.totals.p50Ms)],
          ["p95 latency", ms(stats.totals.p95Ms)],
        ].map(([term, value]) => (
          <div key={term}>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{term}</dt>
            <dd className="mt-0.5 text-lg font-semibold text-zinc-900 tabular-nums dark:text-zinc-50">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        <CallsChart stats={stats} id="audit-chart-calls" label={label} />
        <LatencyChart stats={stats} id="audit-chart-latency" label={label} />
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">The numbers behind the charts</summary>
        <div className="mt-2 max-h-80 overflow-y-auto">
          <Table caption={`Agent requests per ${stats.bucket.label} (UTC)`} minWidth="32rem">
            <TableHead columns={["From (UTC)", "Requests", "Denied", "Failed", "p50", "p95"]} />
            <tbody>
              {stats.buckets.map((b) => (
                <tr key={b.start.toISOString()}>
                  <Td className="font-mono text-xs whitespace-nowrap">
                    <time dateTime={b.start.toISOString()}>{label(b)}</time>
                  </Td>
                  <Td className="tabular-nums">{number.format(b.calls)}</Td>
                  <Td className="tabular-nums">{number.format(b.denials)}</Td>
                  <Td className="tabular-nums">{number.format(b.errors)}</Td>
                  <Td className="tabular-nums">{ms(b.p50Ms)}</Td>
                  <Td className="tabular-nums">{ms(b.p95Ms)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      </details>
    </div>
  );
}
