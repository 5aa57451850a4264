import { and, asc, count, eq, gt, isNull, sql } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { chainHash, contentHashOf, genesisHash, type AuditRecord } from "./chain";
import { checkpointInput, checkpointSignatureValid, latest, type Checkpoint } from "./checkpoints";

/** The first place the chain does not hold, for a person to look at. */
export type BrokenLink = { seq: number; eventId: string | null; problem: string };

export type ChainReport = {
  ok: boolean;
  /** Events checked along the chain. */
  checked: number;
  /** The last event the chain holds up to, and its hash. */
  verifiedThrough: { seq: number; hash: string } | null;
  /** Where the chain's head says it ends. */
  head: { seq: number; hash: string } | null;
  brokenAt: BrokenLink | null;
  /** Events without a place in the chain stored after it began: inserted around it. (Events from before the chain existed do not count.) */
  unchained: number;
  /** Signed checkpoints the chain was held against (the stored ones, and one handed in). */
  checkpoints: number;
};

/** A checkpoint exported earlier and kept outside Gatehouse, to hold the chain against. */
export type VerifyOptions = { checkpoint?: Checkpoint };

const BATCH = 2_000;
/** The newest stored checkpoints a verification holds the chain against. */
const MAX_CHECKPOINTS = 1_000;

/**
 * Recomputes the tenant's audit chain from its stored events: each event's
 * content hash from its columns, each link from the one before, no place
 * skipped, and the end where the chain's head says it is. Reports the first
 * event where any of this fails: an edited event, a deleted one, one put in
 * out of order, a cut-off tail.
 */
export async function verifyAuditChain(ctx: TenantContext, options: VerifyOptions = {}): Promise<ChainReport> {
  assertCan(ctx, "audit.read");
  const tenantId = ctx.tenant.id;
  const given = options.checkpoint && parseInput(checkpointInput, options.checkpoint);
  if (given && given.tenantId !== tenantId) throw new AppError("validation_failed", "This checkpoint belongs to another tenant.", { fields: { "checkpoint.tenantId": ["Another tenant's checkpoint."] } });
  return inTenant(tenantId, async (tx) => {
    const head = await chainHead(tx);
    const unchained = await countUnchained(tx, tenantId);
    const checkpoints = [...(await latest(tx, tenantId, MAX_CHECKPOINTS)), ...(given ? [given] : [])];
    const expectedAt = new Map<number, Checkpoint>();
    for (const c of checkpoints) expectedAt.set(c.seq, c);
    let expected = 1;
    let prevHash = genesisHash(tenantId);
    const fail = (seq: number, eventId: string | null, problem: string): ChainReport => ({
      ok: false,
      checked: expected - 1,
      verifiedThrough: expected > 1 ? { seq: expected - 1, hash: prevHash } : null,
      head,
      brokenAt: { seq, eventId, problem },
      unchained,
      checkpoints: checkpoints.length,
    });
    for (const c of checkpoints) {
      if (checkpointSignatureValid(c) === false) return fail(c.seq, null, `the checkpoint of ${c.createdAt} at event ${c.seq} does not bear a valid signature: it was forged or altered`);
    }
    for (;;) {
      const rows = await tx
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, expected - 1)))
        .orderBy(asc(auditEvents.seq))
        .limit(BATCH);
      for (const row of rows) {
        const seq = row.seq!;
        if (seq !== expected) return fail(expected, null, `event ${expected} is missing (the next one stored is ${seq})`);
        if (row.contentHash !== contentHashOf(recordOf(row))) return fail(seq, row.id, "its content does not match its content hash: the event was changed after it was written");
        if (row.prevHash !== prevHash) return fail(seq, row.id, "it does not link to the event before it");
        if (row.hash !== chainHash(prevHash, row.contentHash!)) return fail(seq, row.id, "its chain hash is wrong");
        const signed = expectedAt.get(seq);
        if (signed && signed.hash !== row.hash) return fail(seq, row.id, `the checkpoint of ${signed.createdAt} signed a different chain at this event: the chain was rewritten`);
        prevHash = row.hash!;
        expected += 1;
      }
      if (rows.length < BATCH) break;
    }
    const last = expected - 1;
    const beyond = checkpoints.filter((c) => c.seq > last).sort((a, b) => b.seq - a.seq)[0];
    if (beyond) return fail(last + 1, null, `the checkpoint of ${beyond.createdAt} says the chain reached event ${beyond.seq}, but the stored events end at ${last}: events were removed from the end`);
    if (head && head.seq > last) return fail(last + 1, null, `the chain's head is at event ${head.seq}, but the stored events end at ${last}: events were removed from the end`);
    if ((head?.seq ?? 0) < last) return fail(last, null, `the stored events go on to ${last}, past the chain's head at ${head?.seq ?? 0}: events were added around the chain`);
    if (head && last > 0 && head.hash !== prevHash) return fail(last, null, "the chain's head does not match the last stored event");
    if (unchained > 0) return fail(last + 1, null, `${unchained} event${unchained === 1 ? " has" : "s have"} no place in the chain but ${unchained === 1 ? "was" : "were"} stored after it began: inserted around it`);
    return { ok: true, checked: last, verifiedThrough: last > 0 ? { seq: last, hash: prevHash } : null, head, brokenAt: null, unchained, checkpoints: checkpoints.length };
  });
}

async function chainHead(tx: Tx): Promise<{ seq: number; hash: string } | null> {
  const result = (await tx.execute(sql`select seq, hash from gatehouse_audit_head()`)) as unknown as { rows: { seq: string | number; hash: string }[] };
  const row = result.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

async function countUnchained(tx: Tx, tenantId: string): Promise<number> {
  const chainStart = tx
    .select({ at: sql`min(${auditEvents.occurredAt})` })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.seq, 1)));
  const [row] = await tx
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), isNull(auditEvents.seq), sql`${auditEvents.occurredAt} >= (${chainStart})`));
  return row?.n ?? 0;
}

function recordOf(row: typeof auditEvents.$inferSelect): AuditRecord {
  const { seq: _seq, contentHash: _c, prevHash: _p, hash: _h, search: _s, ...record } = row;
  return record;
}
