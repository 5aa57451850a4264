import { describe, expect, it } from "vitest";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { recordTestCalls } from "@/test/audit";
import { superuserQuery } from "@/test/superuser";
import type { TenantContext } from "@/lib/tenancy/context";
import { chainHash, contentHashOf, genesisHash, type AuditRecord } from "./chain";
import { createCheckpoint, listCheckpoints, writeDueCheckpoints } from "./checkpoints";
import { verifyAuditChain } from "./verify";

// Signed checkpoints hold the chain against a rewrite done in the database
// itself, head and all, which the chain alone cannot notice.

/** Where the tenant's chain stands: creating a tenant already writes an event of its own. */
const headSeq = async (ctx: TenantContext) =>
  Number((await superuserQuery<{ seq: string }>("select seq from audit_chain_heads where tenant_id = $1", [ctx.tenant.id]))[0]?.seq ?? 0);

const record = (ctx: TenantContext, n: number) => recordTestCalls(ctx, n, { oneByOne: true });

/** An event as the superuser reads it, as the content hash sees it. */
async function storedRecord(id: string): Promise<AuditRecord> {
  const [r] = await superuserQuery<Record<string, unknown>>("select * from audit_events where id = $1", [id]);
  const camel = Object.fromEntries(Object.entries(r!).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));
  const { seq: _s, contentHash: _c, prevHash: _p, hash: _h, ...record } = camel;
  return record as unknown as AuditRecord;
}

/**
 * What a forger with the superuser's rights and our source code can do: change
 * an event, give it a matching content hash, recompute every link after it and
 * move the head along. Only a checkpoint signed with a key outside the database
 * can tell.
 */
async function rewriteFrom(ctx: TenantContext, from: number): Promise<void> {
  const rows = await superuserQuery<{ id: string; seq: string; content_hash: string; hash: string }>(
    "select id, seq, content_hash, hash from audit_events where tenant_id = $1 and seq is not null order by seq",
    [ctx.tenant.id],
  );
  let prev = genesisHash(ctx.tenant.id);
  for (const row of rows) {
    if (Number(row.seq) < from) {
      prev = row.hash;
      continue;
    }
    if (Number(row.seq) === from) await superuserQuery(`update audit_events set arguments = '{"amount": 1}' where id = $1`, [row.id]);
    const content = contentHashOf(await storedRecord(row.id));
    const hash = chainHash(prev, content);
    await superuserQuery("update audit_events set content_hash = $2, prev_hash = $3, hash = $4 where id = $1", [row.id, content, prev, hash]);
    prev = hash;
  }
  await superuserQuery("update audit_chain_heads set hash = $2 where tenant_id = $1", [ctx.tenant.id, prev]);
}

describe("signed checkpoints of the audit chain", () => {
  it("signs where the chain stands, once per move, and verification holds the chain against them", async () => {
    const ctx = await createTestTenant();
    const base = await headSeq(ctx);
    await record(ctx, 3);
    const first = await createCheckpoint(ctx);
    expect(first).toMatchObject({ tenantId: ctx.tenant.id, seq: base + 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await createCheckpoint(ctx)).toBeNull();
    await record(ctx, 2);
    expect(await writeDueCheckpoints()).toBeGreaterThanOrEqual(1);
    expect((await listCheckpoints(ctx)).map((c) => c.seq)).toEqual([base + 5, base + 3]);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, checked: base + 5, checkpoints: 2 });
  });

  it("catches a rewrite of the chain done in SQL, hashes and head included", async () => {
    const ctx = await createTestTenant();
    await record(ctx, 6);
    const signed = (await createCheckpoint(ctx))!;
    await rewriteFrom(ctx, 2);
    const report = await verifyAuditChain(ctx);
    // Every event and link checks out on its own; the signed checkpoint at the head does not.
    expect(report.brokenAt).toMatchObject({ seq: signed.seq, problem: expect.stringMatching(/signed a different chain at this event: the chain was rewritten/) });
    expect(report.checked).toBe(signed.seq - 1);
  });

  it("catches a tail cut off together with the head", async () => {
    const ctx = await createTestTenant();
    await record(ctx, 6);
    const signed = (await createCheckpoint(ctx))!;
    const [fourth] = await superuserQuery<{ hash: string }>("select hash from audit_events where tenant_id = $1 and seq = 4", [ctx.tenant.id]);
    await superuserQuery("delete from audit_events where tenant_id = $1 and seq > 4", [ctx.tenant.id]);
    await superuserQuery("update audit_chain_heads set seq = 4, hash = $2 where tenant_id = $1", [ctx.tenant.id, fourth!.hash]);
    expect((await verifyAuditChain(ctx)).brokenAt).toEqual({
      seq: 5,
      eventId: null,
      problem: `the checkpoint of ${signed.createdAt} says the chain reached event ${signed.seq}, but the stored events end at 4: events were removed from the end`,
    });
  });

  it("catches a checkpoint forged in SQL, and one exported and altered", async () => {
    const ctx = await createTestTenant();
    await record(ctx, 2);
    const signed = (await createCheckpoint(ctx))!;
    expect((await verifyAuditChain(ctx, { checkpoint: signed })).ok).toBe(true);
    const altered = { ...signed, hash: "0".repeat(64) };
    expect((await verifyAuditChain(ctx, { checkpoint: altered })).brokenAt?.problem).toMatch(/does not bear a valid signature/);
    await superuserQuery("update audit_checkpoints set seq = 9 where tenant_id = $1", [ctx.tenant.id]);
    expect((await verifyAuditChain(ctx)).brokenAt?.problem).toMatch(/does not bear a valid signature/);
  });

  it("refuses another tenant's checkpoint, and checkpoints are for members who may export", async () => {
    const mine = await createTestTenant();
    const other = await createTestTenant();
    await record(other, 1);
    const theirs = (await createCheckpoint(other))!;
    await expectAppError(verifyAuditChain(mine, { checkpoint: theirs }), "validation_failed", "This checkpoint belongs to another tenant.");
    const viewer = await createTestMember(mine, "viewer");
    await expectAppError(createCheckpoint(viewer.ctx), "forbidden");
    await expectAppError(listCheckpoints(viewer.ctx), "forbidden");
    const auditor = await createTestMember(mine, "auditor");
    expect(await listCheckpoints(auditor.ctx)).toEqual([]);
  });
});
