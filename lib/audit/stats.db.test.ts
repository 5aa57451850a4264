import { describe, expect, it } from "vitest";
import { getDatabase } from "@/db/client";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { appendAuditEvent, auditRecord, type AuditRecord } from "./chain";
import { auditStats, bucketSizeFor } from "./stats";

async function append(ctx: TenantContext, events: (Partial<Omit<AuditRecord, "tenantId">> & { at: string })[]): Promise<void> {
  const { db } = await getDatabase();
  for (const { at, ...fields } of events) {
    await appendAuditEvent(db, auditRecord({ tenantId: ctx.tenant.id, action: "mcp.request", method: "tools/call", agentName: "bot", decision: "allowed", outcome: "ok", totalMs: 10, ...fields, occurredAt: new Date(at) }));
  }
}

const HOUR = 3_600_000;

describe("bucketSizeFor", () => {
  it.each([
    [HOUR, "1 minute", 60],
    [6 * HOUR, "10 minutes", 36],
    [24 * HOUR, "30 minutes", 48],
    [7 * 24 * HOUR, "3 hours", 56],
    [30 * 24 * HOUR, "12 hours", 60],
    [90 * 24 * HOUR, "1 week", 13],
  ])("cuts %d ms into %s buckets (%d of them)", (range, label, count) => {
    const size = bucketSizeFor(range);
    expect(size.label).toBe(label);
    expect(Math.ceil(range / size.ms)).toBe(count);
  });
});

describe("auditStats", () => {
  it("counts calls, denials and errors and gives latency percentiles per bucket, for agent requests only", async () => {
    const ctx = await createTestTenant();
    await append(ctx, [
      { at: "2026-03-01T09:59:59Z", totalMs: 999 }, // before the range
      { at: "2026-03-01T10:00:00Z", totalMs: 10 },
      { at: "2026-03-01T10:10:00Z", totalMs: 20 },
      { at: "2026-03-01T10:20:00Z", totalMs: 30, outcome: "error", error: "boom" },
      { at: "2026-03-01T10:29:59Z", totalMs: 400 },
      { at: "2026-03-01T11:05:00Z", totalMs: 2, decision: "denied", outcome: "denied" },
      { at: "2026-03-01T11:06:00Z", totalMs: 50, agentName: "other" },
      // Not agent requests: never counted.
      { at: "2026-03-01T10:15:00Z", action: "approval.approved", totalMs: 0, decision: "none" },
      { at: "2026-03-01T10:16:00Z", action: "server.updated", totalMs: 0, decision: "none" },
    ]);

    // Three hours: five-minute buckets (36), the first starting at 10:00.
    const stats = await auditStats(ctx, { from: "2026-03-01T10:00:00Z", to: "2026-03-01T13:00:00Z" });
    expect(stats.bucket.label).toBe("5 minutes");
    expect(stats.buckets).toHaveLength(37);
    expect(stats.buckets[0]!.start.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(stats.buckets.at(-1)!.start.toISOString()).toBe("2026-03-01T13:00:00.000Z");
    const at = (iso: string) => stats.buckets.find((b) => b.start.toISOString() === iso);
    expect(at("2026-03-01T10:00:00.000Z")).toMatchObject({ calls: 1, denials: 0, errors: 0, p50Ms: 10, p95Ms: 10 });
    expect(at("2026-03-01T10:05:00.000Z")).toMatchObject({ calls: 0, p50Ms: null, p95Ms: null });
    expect(at("2026-03-01T10:20:00.000Z")).toMatchObject({ calls: 1, errors: 1, p50Ms: 30 });
    expect(at("2026-03-01T10:25:00.000Z")).toMatchObject({ calls: 1, p95Ms: 400 });
    expect(at("2026-03-01T11:05:00.000Z")).toMatchObject({ calls: 2, denials: 1, p50Ms: 2, p95Ms: 50 });
    expect(stats.totals).toEqual({ calls: 6, denials: 1, errors: 1, p50Ms: 20, p95Ms: 400 });

    // The search's filters apply; an hour has one-minute buckets.
    const other = await auditStats(ctx, { agent: "other", from: "2026-03-01T11:00:00Z", to: "2026-03-01T12:00:00Z" });
    expect(other.bucket.label).toBe("1 minute");
    expect(other.totals).toMatchObject({ calls: 1, p50Ms: 50 });
    expect(other.buckets.filter((b) => b.calls > 0).map((b) => b.start.toISOString())).toEqual(["2026-03-01T11:06:00.000Z"]);
    // Asking for other kinds of events still charts agent requests.
    expect((await auditStats(ctx, { kind: "admin", from: "2026-03-01T10:00:00Z", to: "2026-03-01T13:00:00Z" })).totals.calls).toBe(6);
  });

  it("defaults to the last 24 hours in half-hour buckets", async () => {
    const ctx = await createTestTenant();
    const now = new Date("2026-03-02T10:07:00Z");
    await append(ctx, [
      { at: "2026-03-01T10:06:00Z" },
      { at: "2026-03-01T10:08:00Z" },
      { at: "2026-03-02T10:06:00Z", totalMs: 70 },
    ]);
    const stats = await auditStats(ctx, {}, { now });
    expect(stats.from.toISOString()).toBe("2026-03-01T10:07:00.000Z");
    expect(stats.to).toEqual(now);
    expect(stats.bucket.label).toBe("30 minutes");
    expect(stats.buckets).toHaveLength(49);
    expect(stats.totals).toMatchObject({ calls: 2, p95Ms: 70 });
  });

  it("refuses contradictory or overlong ranges and viewers, and sees only its tenant", async () => {
    const ctx = await createTestTenant();
    const other = await createTestTenant();
    await append(other, [{ at: "2026-03-01T10:00:00Z" }]);
    expect((await auditStats(ctx, { from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" })).totals.calls).toBe(0);
    expect((await auditStats(other, { from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" })).totals.calls).toBe(1);
    const reversed = await expectAppError(auditStats(ctx, { from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" }), "validation_failed");
    expect(reversed.fields).toEqual({ to: ["Must not be before `from`."] });
    const long = await expectAppError(auditStats(ctx, { from: "2010-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" }), "validation_failed");
    expect(long.fields).toEqual({ from: ["At most three years before `to`."] });
    const future = await expectAppError(auditStats(ctx, { to: "2020-01-01T00:00:00Z", minLatencyMs: "x" }), "validation_failed");
    expect(Object.keys(future.fields ?? {})).toEqual(["minLatencyMs"]);
    await expectAppError(auditStats((await createTestMember(ctx, "viewer")).ctx), "forbidden");
  });
});
