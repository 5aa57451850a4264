import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { seedAuditEvents } from "@/test/audit-bulk";
import { createTestTenant } from "@/test/factories";
import { isEmbedded, superuserQuery } from "@/test/superuser";
import { exportAuditEvents } from "./export";

// SCALE TEST (slow: about a minute or two on a local Postgres; skipped on the
// embedded database). An export of a million events streams in constant
// memory: the heap after a full collection is the same late in the export as
// early in it. Set GATEHOUSE_EXPORT_SCALE_EVENTS to try another size.

const EVENTS = Number(process.env.GATEHOUSE_EXPORT_SCALE_EVENTS ?? 1_000_000);
const MB = 1024 * 1024;
/**
 * How much the collected heap may grow between the first tenth of the export
 * and its end. A file of a million events is ~1 GB of text (each line ~1 kB):
 * keeping even 3% of what went through, or a 40-byte id per event, would pass
 * this; the stream itself holds one batch (~1 MB) and its queued successor.
 */
const HEAP_GROWTH_LIMIT = 32 * MB;
/** Resident memory is noisier (allocator arenas, pg buffers), so its bound is looser, but far below the file's size. */
const RSS_GROWTH_LIMIT = 200 * MB;

/** A full garbage collection on demand, so heap samples measure what is kept rather than what is not yet collected. */
function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

describe.skipIf(isEmbedded())("[scale] exporting a million audit events", () => {
  it(
    `streams ${EVENTS.toLocaleString("en")} events without memory growth`,
    async () => {
      const ctx = await createTestTenant();
      const t0 = performance.now();
      const seeded = await seedAuditEvents({ tenantId: ctx.tenant.id, count: EVENTS, batchSize: 5_000 });
      expect(seeded.count).toBe(EVENTS);
      // What autovacuum would do soon after such a load: without statistics, the planner takes a million rows for a few hundred.
      await superuserQuery("analyze audit_events");
      console.info(`[scale] seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const gc = collector();
      const t1 = performance.now();

      const exported = await exportAuditEvents(ctx, { format: "jsonl" });
      const reader = exported.body.getReader();
      let lines = 0;
      let bytes = 0;
      let chunks = 0;
      const samples: { lines: number; heap: number; rss: number }[] = [];
      const sample = () => {
        gc();
        const { heapUsed, rss } = process.memoryUsage();
        samples.push({ lines, heap: heapUsed, rss });
      };
      sample();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks += 1;
        bytes += value.byteLength;
        // Count the lines without keeping or decoding the text: newline bytes.
        for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines += 1;
        if (chunks % Math.max(1, Math.floor(EVENTS / 1000 / 10)) === 0) sample();
      }
      sample();
      const seconds = (performance.now() - t1) / 1000;

      // Every seeded event and the tenant's creation; the export's own event is not in it.
      expect(lines).toBe(EVENTS + 1);
      const early = samples.find((s) => s.lines >= EVENTS / 10) ?? samples[1]!;
      const late = samples.filter((s) => s.lines >= EVENTS / 10);
      const heapGrowth = Math.max(...late.map((s) => s.heap)) - early.heap;
      const rssGrowth = Math.max(...late.map((s) => s.rss)) - early.rss;
      console.info(
        `[scale] exported ${lines} events, ${(bytes / MB).toFixed(0)} MB in ${chunks} chunks, ${seconds.toFixed(1)} s; heap ${(early.heap / MB).toFixed(1)} → max ${(
          Math.max(...late.map((s) => s.heap)) / MB
        ).toFixed(1)} MB (growth ${(heapGrowth / MB).toFixed(1)} MB), rss growth ${(rssGrowth / MB).toFixed(1)} MB`,
      );
      expect(bytes).toBeGreaterThan(EVENTS * 300);
      expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
      expect(rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
    },
    10 * 60_000,
  );
});
