import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { newId } from "@/lib/ids";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { recordTestCalls } from "@/test/audit";
import { superuserQuery, superuserTransaction } from "@/test/superuser";
import { appendAuditEvent, auditRecord } from "./chain";
import { verifyAuditChain } from "./verify";
import type { TenantContext } from "@/lib/tenancy/context";

// Each tenant's audit events form a hash chain; verification recomputes it and
// names the first event where it does not hold. Tampering is done the only way
// it can be: as the database superuser, behind the app's back.

async function tenantWithEvents(n: number): Promise<TenantContext> {
  const ctx = await createTestTenant();
  await recordTestCalls(ctx, n);
  return ctx;
}

/** Where the tenant's chain stands: creating a tenant (and adding members) already writes events of their own. */
const headSeq = async (ctx: TenantContext) =>
  Number((await superuserQuery<{ seq: string }>("select seq from audit_chain_heads where tenant_id = $1", [ctx.tenant.id]))[0]?.seq ?? 0);

const eventAt = async (ctx: TenantContext, seq: number) =>
  (await superuserQuery<{ id: string }>("select id from audit_events where tenant_id = $1 and seq = $2", [ctx.tenant.id, seq]))[0]!.id;

describe("the audit hash chain", () => {
  it("holds across concurrent appends: places 1..n, each linked to the one before", async () => {
    const ctx = await createTestTenant();
    const n = (await headSeq(ctx)) + 40;
    await recordTestCalls(ctx, 40);
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: true, checked: n, brokenAt: null, unchained: 0, head: { seq: n }, prunedThrough: null });
    expect(report.verifiedThrough?.hash).toBe(report.head?.hash);
    const seqs = await superuserQuery<{ seq: string }>("select seq from audit_events where tenant_id = $1 order by seq", [ctx.tenant.id]);
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it("names an event whose content was changed in SQL", async () => {
    const ctx = await tenantWithEvents(12);
    const id = await eventAt(ctx, 7);
    await superuserQuery(`update audit_events set arguments = '{"message":"nothing to see"}' where id = $1`, [id]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({ seq: 7, eventId: id, problem: "its content does not match its content hash: the event was changed after it was written" });
  });

  it("names an event whose decision was changed together with its content hash", async () => {
    const ctx = await tenantWithEvents(6);
    const id = await eventAt(ctx, 3);
    // A forger who recomputes the content hash still breaks the link: the chain hash no longer follows.
    const [row] = await superuserQuery<{ content_hash: string }>("select content_hash from audit_events where id = $1", [id]);
    await superuserQuery("update audit_events set decision = 'denied', content_hash = $2 where id = $1", [id, "0".repeat(64)]);
    const report = await verifyAuditChain(ctx);
    expect(report.brokenAt?.seq).toBe(3);
    expect(report.brokenAt?.eventId).toBe(id);
    expect(row!.content_hash).not.toBe("0".repeat(64));
  });

  it("names the place of an event deleted in SQL", async () => {
    const ctx = await tenantWithEvents(10);
    await superuserQuery("delete from audit_events where id = $1", [await eventAt(ctx, 4)]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({ seq: 4, eventId: null, problem: "event 4 is missing (the next one stored is 5)" });
  });

  it("notices a cut-off tail", async () => {
    const ctx = await tenantWithEvents(8);
    const head = await headSeq(ctx);
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq > 5", [ctx.tenant.id]);
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: false, checked: 5, verifiedThrough: { seq: 5 } });
    expect(report.brokenAt).toEqual({ seq: 6, eventId: null, problem: `the chain's head is at event ${head}, but the stored events end at 5: events were removed from the end` });
  });

  it("gives an event inserted in SQL the next place, whatever place it claims, and names it by its content", async () => {
    const ctx = await tenantWithEvents(3);
    const head = await headSeq(ctx);
    const forged = newId("event");
    await superuserTransaction(async (query) => {
      await query("select set_config('app.tenant_id', $1, true)", [ctx.tenant.id]);
      await query(
        "insert into audit_events (id, tenant_id, action, decision, outcome, total_ms, seq, content_hash, prev_hash, hash) values ($1, $2, 'mcp.request', 'allowed', 'ok', 1, 2, $3, 'x', 'y')",
        [forged, ctx.tenant.id, "0".repeat(64)],
      );
    });
    const [row] = await superuserQuery<{ seq: string }>("select seq from audit_events where id = $1", [forged]);
    expect(Number(row!.seq)).toBe(head + 1);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({
      seq: head + 1,
      eventId: forged,
      problem: "its content does not match its content hash: the event was changed after it was written",
    });
    // Without a content hash, no place: the insert is refused.
    await expect(
      superuserQuery("insert into audit_events (id, tenant_id, action, decision, outcome, total_ms) values ($1, $2, 'mcp.request', 'allowed', 'ok', 1)", [newId("event"), ctx.tenant.id]),
    ).rejects.toThrow(/cannot join the chain/);
  });

  it("notices an event slipped in beside the chain by a superuser who turned the chain's trigger off", async () => {
    const ctx = await tenantWithEvents(3);
    await superuserTransaction(async (query) => {
      await query("set local session_replication_role = replica");
      await query("insert into audit_events (id, tenant_id, action, decision, outcome, total_ms) values ($1, $2, 'mcp.request', 'allowed', 'ok', 1)", [
        newId("event"),
        ctx.tenant.id,
      ]);
    });
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: false, unchained: 1 });
    expect(report.brokenAt?.problem).toMatch(/no place in the chain/);
  });

  it("keeps the app's own role from changing events or moving the chain's head", async () => {
    const ctx = await tenantWithEvents(2);
    const { db } = await getDatabase();
    const refused = (q: ReturnType<typeof sql>) =>
      db
        .transaction(async (tx) => {
          await tx.execute(sql`select set_config('app.tenant_id', ${ctx.tenant.id}, true)`);
          await tx.execute(q);
          return "done";
        })
        .catch((e: Error & { cause?: Error }) => (e.cause ?? e).message);
    expect(await refused(sql`update audit_events set decision = 'denied' where tenant_id = ${ctx.tenant.id}`)).toMatch(/permission denied/);
    expect(await refused(sql`delete from audit_events where tenant_id = ${ctx.tenant.id}`)).toMatch(/permission denied/);
    expect(await refused(sql`update audit_chain_heads set seq = 1`)).toMatch(/permission denied/);
    // Moving the head without an event would make every later verification fail.
    expect(await refused(sql`select * from gatehouse_audit_append(${ctx.tenant.id}, ${"a".repeat(64)})`)).toMatch(/permission denied/);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it("continues only the chain of the tenant in scope", async () => {
    const mine = await tenantWithEvents(1);
    const other = await createTestTenant();
    const [mineBefore, otherBefore] = [await headSeq(mine), await headSeq(other)];
    const { db } = await getDatabase();
    const record = auditRecord({ tenantId: other.tenant.id, action: "mcp.request", decision: "none", outcome: "ok", totalMs: 0 });
    // Inside a transaction scoped to one tenant, an event claiming another is refused (the statement re-scopes to its own
    // tenant, so the check is the row-level policy's: the insert must match the scope it sets).
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.tenant_id', ${mine.tenant.id}, true)`);
        await tx.execute(
          sql`insert into audit_events (id, tenant_id, action, decision, outcome, total_ms, content_hash) values (${newId("event")}, ${other.tenant.id}, 'mcp.request', 'none', 'ok', 0, ${"a".repeat(64)})`,
        );
      }),
    ).rejects.toThrow();
    await appendAuditEvent(db, record);
    expect((await verifyAuditChain(other)).checked).toBe(otherBefore + 1);
    expect((await verifyAuditChain(mine)).checked).toBe(mineBefore);
  });

  it("stores what an agent sends as well-formed text, so the event verifies and its write cannot be made to fail", async () => {
    const ctx = await createTestTenant();
    const { db } = await getDatabase();
    const args = JSON.parse('{"constructor":"c","b":1,"a":2,"__proto__":{"approvedBy":"cfo"},"note":"\\ud800 lone","nul\\u0000key":"x\\u0000y"}');
    await appendAuditEvent(
      db,
      auditRecord({ tenantId: ctx.tenant.id, action: "mcp.request", decision: "none", outcome: "ok", totalMs: 0, jsonrpcId: "\ud800", clientName: "a\u0000b", arguments: args }),
    );
    const [row] = await superuserQuery<{ id: string; jsonrpc_id: string; arguments: Record<string, unknown> }>(
      "select id, jsonrpc_id, arguments from audit_events where tenant_id = $1 and action = 'mcp.request'",
      [ctx.tenant.id],
    );
    expect(row!.jsonrpc_id).toBe("\uFFFD");
    expect(row!.arguments).toMatchObject({ note: "\uFFFD lone", "nul\uFFFDkey": "x\uFFFDy" });
    expect(Object.keys(row!.arguments)).toContain("__proto__");
    expect((await verifyAuditChain(ctx)).ok).toBe(true);

    // A member added under "__proto__" in SQL is a change like any other.
    await superuserQuery(`update audit_events set arguments = jsonb_set(arguments, '{__proto__,approvedBy}', '"ceo"') where id = $1`, [row!.id]);
    expect((await verifyAuditChain(ctx)).brokenAt).toMatchObject({ eventId: row!.id, problem: expect.stringMatching(/content does not match/) });
  });

  it("is for members who read the audit log", async () => {
    const ctx = await tenantWithEvents(1);
    const viewer = await createTestMember(ctx, "viewer");
    await expectAppError(verifyAuditChain(viewer.ctx), "forbidden");
    const auditor = await createTestMember(ctx, "auditor");
    expect((await verifyAuditChain(auditor.ctx)).ok).toBe(true);
  });
});
