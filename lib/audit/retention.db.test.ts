import { afterEach, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { inTenant } from "@/lib/db";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { recordTestCalls } from "@/test/audit";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { appendAuditEvent, auditRecord } from "./chain";
import { createCheckpoint, listCheckpoints } from "./checkpoints";
import { exportAuditEvents } from "./export";
import { pruneAuditLog, pruneDueAuditLogs } from "./retention";
import { getAuditSettings, updateAuditSettings } from "./settings";
import { verifyAuditChain } from "./verify";

// Retention deletes a tenant's old audit events down to a signed checkpoint,
// so the chain that remains still verifies, and deleting its start any other
// way is reported. Old events are made with a faked clock (only Date): the
// app writes them itself, as it would have that many days ago.

const DAY = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

async function at<T>(daysAgo: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() - daysAgo * DAY);
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

/** A tenant whose log began 100 days ago: its creation and 5 calls then, 3 calls 50 days ago, 2 today; retention 60 days. */
async function agedTenant(): Promise<TenantContext> {
  const ctx = await at(100, async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 5, { oneByOne: true });
    return ctx;
  });
  await at(50, () => recordTestCalls(ctx, 3, { oneByOne: true }));
  await updateAuditSettings(ctx, { retentionDays: 60 });
  await recordTestCalls(ctx, 2, { oneByOne: true });
  return ctx;
}

const events = (ctx: TenantContext) =>
  superuserQuery<{ id: string; seq: string; hash: string; action: string; occurred_at: Date; after: Record<string, unknown> | null }>(
    "select id, seq, hash, action, occurred_at, after from audit_events where tenant_id = $1 order by seq",
    [ctx.tenant.id],
  );

const olderThan = <R extends { occurred_at: Date }>(rows: R[], days: number) => rows.filter((r) => r.occurred_at.getTime() < Date.now() - days * DAY);

describe("pruneAuditLog", () => {
  it("deletes only events older than the period, down to a signed checkpoint, and the chain verifies from there", async () => {
    const ctx = await agedTenant();
    const before = await events(ctx);
    const old = olderThan(before, 60);
    expect(old.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    const through = old[old.length - 1]!;

    const result = await pruneAuditLog(ctx.tenant.id);
    expect(result).toEqual({ deleted: 6, throughSeq: 6, retentionDays: 60 });

    const after = await events(ctx);
    expect(after.map((r) => r.id)).toEqual([...before.slice(6).map((r) => r.id), after[after.length - 1]!.id]);
    expect(olderThan(after, 60)).toEqual([]);
    const pruned = after[after.length - 1]!;
    expect({ ...pruned, seq: Number(pruned.seq) }).toMatchObject({ action: "audit.pruned", seq: before.length + 1, after: { deleted: 6, throughSeq: 6, retentionDays: 60 } });
    // The signed checkpoint retention cut at: the hash event 6 had, which event 7 links to.
    expect((await listCheckpoints(ctx)).find((c) => c.seq === 6)).toMatchObject({ hash: through.hash });

    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: true, brokenAt: null, prunedThrough: 6, checked: after.length, head: { seq: before.length + 1 } });

    // Nothing more is old enough: nothing is deleted, nothing recorded.
    expect(await pruneAuditLog(ctx.tenant.id)).toBeNull();
    expect(await events(ctx)).toHaveLength(after.length);
  });

  it("keeps everything for a tenant without a period, and never cuts before an event younger than the period", async () => {
    const keeper = await at(100, async () => {
      const ctx = await createTestTenant();
      await recordTestCalls(ctx, 2, { oneByOne: true });
      return ctx;
    });
    expect(await pruneAuditLog(keeper.tenant.id)).toBeNull();
    expect(await events(keeper)).toHaveLength(3);

    // The first event is today's (creating the tenant); old ones come after it in the chain: none may go.
    const young = await createTestTenant();
    await at(100, () => recordTestCalls(young, 3, { oneByOne: true }));
    await updateAuditSettings(young, { retentionDays: 30 });
    expect(await pruneAuditLog(young.tenant.id)).toBeNull();
    expect((await verifyAuditChain(young)).ok).toBe(true);
  });

  it("runs for every tenant with a period", async () => {
    const a = await agedTenant();
    const b = await agedTenant();
    await pruneDueAuditLogs();
    for (const ctx of [a, b]) expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, prunedThrough: 6 });
  });

  it("lets an auditor export but not change the retention period", async () => {
    const ctx = await agedTenant();
    const auditor = await createTestMember(ctx, "auditor");
    const exported = await exportAuditEvents(auditor.ctx, { format: "jsonl" });
    expect((await new Response(exported.body).text()).trim().split("\n").length).toBeGreaterThanOrEqual(11);
    await expectAppError(updateAuditSettings(auditor.ctx, { retentionDays: 1 }), "forbidden");
    await expectAppError(updateAuditSettings(auditor.ctx, { retentionDays: null }), "forbidden");
    expect((await getAuditSettings(ctx)).retentionDays).toBe(60);
  });

  it("is refused by the database outside its rules: another tenant, no checkpoint, an event too young", async () => {
    const ctx = await agedTenant();
    const other = await agedTenant();
    const prune = (scope: TenantContext, tenant: TenantContext, seq: number) =>
      inTenant(scope.tenant.id, (tx) => tx.execute(sql`select gatehouse_audit_prune(${tenant.tenant.id}, ${seq}::bigint)`)).then(
        () => "pruned",
        (e: Error & { cause?: Error }) => (e.cause ?? e).message,
      );
    expect(await prune(ctx, other, 6)).toMatch(/only the audit log of the tenant in scope can be pruned/);
    expect(await prune(ctx, ctx, 6)).toMatch(/no checkpoint stands at event 6/);
    expect(await prune(ctx, ctx, 8)).toMatch(/event 8 is not older than the retention period/);
    expect((await events(ctx)).map((r) => Number(r.seq))[0]).toBe(1);
  });
});

describe("verifying a chain after retention", () => {
  it("reports events deleted after the pruned point, at the first of them", async () => {
    const ctx = await agedTenant();
    await pruneAuditLog(ctx.tenant.id);
    // The superuser deletes the next two events (the ones from 50 days ago): no checkpoint stands at 8.
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq in (7, 8)", [ctx.tenant.id]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({
      seq: 7,
      eventId: null,
      problem: "events 7 to 8 are missing (the first one stored is 9), and no checkpoint signed by this server stands at event 8 with the hash it links to: the start of the chain was deleted",
    });
  });

  it("reports a checkpoint forged to cover such a deletion", async () => {
    const ctx = await agedTenant();
    await pruneAuditLog(ctx.tenant.id);
    const [ninth] = await superuserQuery<{ prev_hash: string }>("select prev_hash from audit_events where tenant_id = $1 and seq = 9", [ctx.tenant.id]);
    const [real] = await superuserQuery<Record<string, unknown>>("select * from audit_checkpoints where tenant_id = $1 and seq = 6", [ctx.tenant.id]);
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq in (7, 8)", [ctx.tenant.id]);
    // A checkpoint at 8 with the right hash, the signing key's id, and a signature copied from a real one.
    await superuserQuery("insert into audit_checkpoints (id, tenant_id, seq, hash, created_at, key_id, signature) values ('chk_forged', $1, 8, $2, now(), $3, $4)", [
      ctx.tenant.id,
      ninth!.prev_hash,
      real!.key_id,
      real!.signature,
    ]);
    const report = await verifyAuditChain(ctx);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toMatchObject({ seq: 8, problem: expect.stringMatching(/at event 8 does not bear a valid signature: it was forged or altered/) });
  });

  it("reports a start deleted in SQL where no checkpoint stands, at event 1", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 5, { oneByOne: true });
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq <= 2", [ctx.tenant.id]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({
      seq: 1,
      eventId: null,
      problem: "events 1 to 2 are missing (the first one stored is 3), and no checkpoint signed by this server stands at event 2 with the hash it links to: the start of the chain was deleted",
    });
  });

  it("reports a start deleted in SQL down to a genuine checkpoint, since no retention recorded it", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 3, { oneByOne: true });
    const signed = (await createCheckpoint(ctx))!;
    await recordTestCalls(ctx, 2, { oneByOne: true });
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq <= $2", [ctx.tenant.id, signed.seq]);
    // An event that claims the pruning, written by the app's role, is no record of it: only the database's prune writes one.
    const { db } = await getDatabase();
    await appendAuditEvent(
      db,
      auditRecord({ tenantId: ctx.tenant.id, action: "audit.pruned", decision: "none", outcome: "ok", totalMs: 0, after: { throughSeq: signed.seq, throughHash: signed.hash } }),
    );
    const [first] = await superuserQuery<{ id: string }>("select id from audit_events where tenant_id = $1 and seq = $2", [ctx.tenant.id, signed.seq + 1]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({
      seq: signed.seq + 1,
      eventId: first!.id,
      problem: `the events before it are gone, but retention has no record of deleting them through event ${signed.seq}: they were deleted outside retention`,
    });
  });

  it("keeps a retention period between 1 and 3650 days, even for the app's own role in SQL", async () => {
    const ctx = await createTestTenant();
    const { db } = await getDatabase();
    for (const days of [-1, 0, 3651]) {
      await expect(db.execute(sql`update tenants set audit_retention_days = ${days} where id = ${ctx.tenant.id}`)).rejects.toThrow();
    }
    const [row] = await superuserQuery<{ days: number | null }>("select audit_retention_days as days from tenants where id = $1", [ctx.tenant.id]);
    expect(row!.days).toBeNull();
  });
});
