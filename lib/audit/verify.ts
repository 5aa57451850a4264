import { and, asc, count, desc, eq, getTableColumns, gt, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { auditCheckpoints, auditEvents, auditPrunes } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { chainHash, contentHashOf, genesisHash, type AuditRecord } from "./chain";
import { checkpointAt, checkpointInput, checkpointSignatureValid, latest, type Checkpoint } from "./checkpoints";

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
  /** Retention deleted the events up to here; the chain is verified from the signed checkpoint that stands at this place. Null when the chain is whole from event 1. */
  prunedThrough: number | null;
};

/** A checkpoint exported earlier and kept outside Gatehouse, to hold the chain against. */
export type VerifyOptions = { checkpoint?: Checkpoint };

const BATCH = 5_000;
/** Every stored column but the search vector, which is derived and large. */
const { search: _search, ...STORED } = getTableColumns(auditEvents);
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
  // A checkpoint whose signature this server cannot check proves nothing either way: refuse it rather than hold the chain against it.
  if (given && checkpointSignatureValid(given) === null) {
    throw new AppError("validation_failed", `This server cannot check the checkpoint's signature: it holds no key "${given.keyId}".`, {
      fields: { "checkpoint.keyId": ["Unknown signing key."] },
    });
  }
  return inTenant(tenantId, async (tx) => {
    const head = await chainHead(tx);
    const unchained = await countUnchained(tx, tenantId);
    // Stored checkpoints signed by a key this server no longer holds are left out: they can be held against nothing.
    const stored = (await latest(tx, tenantId, MAX_CHECKPOINTS)).filter((c) => checkpointSignatureValid(c) !== null);
    const checkpoints = [...stored, ...(given ? [given] : [])];
    const expectedAt = new Map<number, Checkpoint>();
    for (const c of checkpoints) expectedAt.set(c.seq, c);
    let expected = 1;
    let prevHash = genesisHash(tenantId);
    let prunedThrough: number | null = null;
    let anchorHash: string | undefined;
    const report = (brokenAt: BrokenLink | null): ChainReport => {
      const last = expected - 1;
      const checked = last - (prunedThrough ?? 0);
      return {
        ok: brokenAt === null,
        checked,
        verifiedThrough: checked > 0 ? { seq: last, hash: prevHash } : null,
        head,
        brokenAt,
        unchained,
        checkpoints: checkpoints.length,
        prunedThrough,
      };
    };
    const fail = (seq: number, eventId: string | null, problem: string) => report({ seq, eventId, problem });
    for (const c of checkpoints) {
      if (checkpointSignatureValid(c) === false) return fail(c.seq, null, `the checkpoint of ${c.createdAt} at event ${c.seq} does not bear a valid signature: it was forged or altered`);
    }
    const start = await chainStart(tx, tenantId);
    if (start && start.seq > 1) {
      // Retention deleted the events before it: the chain holds from here only if a checkpoint signed by this server
      // stands at the place before, with the hash this event links to. Otherwise the start of the chain was cut off.
      const anchor = given?.seq === start.seq - 1 && checkpointSignatureValid(given) ? given : await checkpointAt(tx, tenantId, start.seq - 1);
      if (!anchor || checkpointSignatureValid(anchor) !== true || anchor.hash !== start.prevHash) {
        const missingFrom = await lastSignedBefore(tx, tenantId, start.seq);
        const gap = missingFrom === start.seq - 1 ? `event ${missingFrom}` : `events ${missingFrom} to ${start.seq - 1}`;
        return fail(
          missingFrom,
          null,
          `${gap} ${missingFrom === start.seq - 1 ? "is" : "are"} missing (the first one stored is ${start.seq}), and no checkpoint signed by this server stands at event ${start.seq - 1} with the hash it links to: the start of the chain was deleted`,
        );
      }
      expected = start.seq;
      prevHash = anchor.hash;
      prunedThrough = anchor.seq;
      anchorHash = anchor.hash;
    }
    // The next batch is read while this one is hashed (the connection runs the query as the CPU works).
    const batchAfter = (seq: number) => {
      const query = tx
        .select(STORED)
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, seq)))
        .orderBy(asc(auditEvents.seq))
        .limit(BATCH)
        .then((rows) => rows);
      query.catch(() => {}); // awaited below; a batch left unread when the chain breaks earlier must not go unhandled
      return query;
    };
    let next: ReturnType<typeof batchAfter> | null = batchAfter(expected - 1);
    while (next) {
      const rows: Awaited<ReturnType<typeof batchAfter>> = await next;
      next = rows.length === BATCH ? batchAfter(rows[rows.length - 1]!.seq!) : null;
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
    }
    const last = expected - 1;
    const beyond = checkpoints.filter((c) => c.seq > last).sort((a, b) => b.seq - a.seq)[0];
    if (beyond) return fail(last + 1, null, `the checkpoint of ${beyond.createdAt} says the chain reached event ${beyond.seq}, but the stored events end at ${last}: events were removed from the end`);
    if (head && head.seq > last) return fail(last + 1, null, `the chain's head is at event ${head.seq}, but the stored events end at ${last}: events were removed from the end`);
    if ((head?.seq ?? 0) < last) return fail(last, null, `the stored events go on to ${last}, past the chain's head at ${head?.seq ?? 0}: events were added around the chain`);
    if (head && last > 0 && head.hash !== prevHash) return fail(last, null, "the chain's head does not match the last stored event");
    // A signed checkpoint may stand anywhere; that retention cut the chain there only the database's own record of pruning says.
    if (start && prunedThrough !== null && !(await pruneRecorded(tx, tenantId, prunedThrough, anchorHash))) {
      return fail(start.seq, start.id, `the events before it are gone, but retention has no record of deleting them through event ${prunedThrough}: they were deleted outside retention`);
    }
    if (unchained > 0) return fail(last + 1, null, `${unchained} event${unchained === 1 ? " has" : "s have"} no place in the chain but ${unchained === 1 ? "was" : "were"} stored after it began: inserted around it`);
    return report(null);
  });
}

/** Whether gatehouse_audit_prune() deleted the tenant's events through `seq`, down to the event whose hash was `hash`. */
async function pruneRecorded(tx: Tx, tenantId: string, seq: number, hash: string | undefined): Promise<boolean> {
  if (!hash) return false;
  const [row] = await tx
    .select({ seq: auditPrunes.throughSeq })
    .from(auditPrunes)
    .where(and(eq(auditPrunes.tenantId, tenantId), eq(auditPrunes.throughSeq, seq), eq(auditPrunes.throughHash, hash)));
  return row !== undefined;
}

/** The first event stored with a place in the chain: 1, or later once retention deleted the ones before. */
async function chainStart(tx: Tx, tenantId: string): Promise<{ id: string; seq: number; prevHash: string | null } | undefined> {
  const [row] = await tx
    .select({ id: auditEvents.id, seq: auditEvents.seq, prevHash: auditEvents.prevHash })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), isNotNull(auditEvents.seq)))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  return row ? { id: row.id, seq: row.seq!, prevHash: row.prevHash } : undefined;
}

/** Where a gap before `seq` begins as far as this server can vouch: after the newest checkpoint it signed below `seq - 1`, else at 1. */
async function lastSignedBefore(tx: Tx, tenantId: string, seq: number): Promise<number> {
  const rows = await tx
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.tenantId, tenantId), lt(auditCheckpoints.seq, seq - 1)))
    .orderBy(desc(auditCheckpoints.seq))
    .limit(MAX_CHECKPOINTS);
  for (const r of rows) {
    const c: Checkpoint = { tenantId: r.tenantId, seq: r.seq, hash: r.hash, createdAt: r.createdAt.toISOString(), keyId: r.keyId, signature: r.signature };
    if (checkpointSignatureValid(c) === true) return c.seq + 1;
  }
  return 1;
}

async function chainHead(tx: Tx): Promise<{ seq: number; hash: string } | null> {
  const result = (await tx.execute(sql`select seq, hash from gatehouse_audit_head()`)) as unknown as { rows: { seq: string | number; hash: string }[] };
  const row = result.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

async function countUnchained(tx: Tx, tenantId: string): Promise<number> {
  // The chain began with event 1, or, once retention deleted the start, with the first event that remains.
  const chainStart = tx
    .select({ at: auditEvents.occurredAt })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), isNotNull(auditEvents.seq)))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  const [row] = await tx
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), isNull(auditEvents.seq), sql`${auditEvents.occurredAt} >= (${chainStart})`));
  return row?.n ?? 0;
}

function recordOf(row: Omit<typeof auditEvents.$inferSelect, "search">): AuditRecord {
  const { seq: _seq, contentHash: _c, prevHash: _p, hash: _h, ...record } = row;
  return record;
}
