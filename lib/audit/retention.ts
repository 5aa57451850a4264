import { and, asc, eq, gte, isNotNull, max, sql } from "drizzle-orm";
import { auditEvents, tenants } from "@/db/schema";
import { inTenant, transaction } from "@/lib/db";
import { appendAuditEvent, auditRecord } from "./chain";
import { signCheckpointAt } from "./checkpoints";

/** What one pass of retention removed: how many events, and up to which place of the chain (a signed checkpoint stands there). */
export type PruneResult = { deleted: number; throughSeq: number; retentionDays: number };

/**
 * Deletes the tenant's audit events older than its retention period, so that
 * the chain that remains still verifies: it cuts after the last event that,
 * with all before it, is older than the period (place S), signs a
 * checkpoint at S, has the database delete events 1..S (the definer
 * gatehouse_audit_prune, which refuses unless that checkpoint stands; the
 * app's role cannot delete audit rows), and records `audit.pruned`, all in
 * one transaction. Returns null when the tenant keeps everything or nothing
 * is old enough. Any process may run it; concurrent runs for one tenant skip.
 */
export async function pruneAuditLog(tenantId: string): Promise<PruneResult | null> {
  const retentionDays = await retentionDaysOf(tenantId);
  if (retentionDays === null) return null;
  return inTenant(tenantId, async (tx) => {
    const locked = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${`gatehouse-audit-prune:${tenantId}`})) as locked`)) as unknown as {
      rows: { locked: boolean }[];
    };
    if (!locked.rows[0]?.locked) return null;
    // The same cutoff the prune function holds S against (its now() is this transaction's).
    const cutoff = sql`now() - make_interval(days => ${retentionDays}::int)`;
    const inChain = and(eq(auditEvents.tenantId, tenantId), isNotNull(auditEvents.seq));
    // The cut goes after the longest start of the chain that is all older than the period: events are timed before
    // they take their place, so time and place may disagree by a hair, and nothing younger than the period may go.
    // (Walked up the place index from the chain's start: about as many rows as there are to delete.)
    const [firstYoung] = await tx
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(and(inChain, gte(auditEvents.occurredAt, cutoff)))
      .orderBy(asc(auditEvents.seq))
      .limit(1);
    const [last] = firstYoung ? [] : await tx.select({ seq: max(auditEvents.seq) }).from(auditEvents).where(inChain);
    const through = firstYoung ? firstYoung.seq! - 1 : Number(last?.seq ?? 0);
    if (through < 1) return null;
    const [at] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.seq, through)));
    // Already pruned through here (only younger events or the previous cut remain).
    if (!at?.hash) return null;
    await signCheckpointAt(tx, tenantId, { seq: through, hash: at.hash });
    const pruned = (await tx.execute(sql`select gatehouse_audit_prune(${tenantId}, ${through}::bigint) as deleted`)) as unknown as {
      rows: { deleted: string | number }[];
    };
    const deleted = Number(pruned.rows[0]?.deleted ?? 0);
    await appendAuditEvent(
      tx,
      auditRecord({
        tenantId,
        action: "audit.pruned",
        decision: "none",
        outcome: "ok",
        totalMs: 0,
        targetType: "audit_log",
        targetId: tenantId,
        after: { deleted, throughSeq: through, throughHash: at.hash, retentionDays },
        reason: `Retention: ${deleted} ${deleted === 1 ? "event" : "events"} older than ${retentionDays} ${retentionDays === 1 ? "day" : "days"} deleted, through event ${through}, where a signed checkpoint stands.`,
      }),
    );
    return { deleted, throughSeq: through, retentionDays };
  });
}

/** Runs retention for every tenant that has a period; one tenant's failure does not stop the others. Returns the events deleted. */
export async function pruneDueAuditLogs(): Promise<number> {
  // Tenants are not row-scoped: the list of ids with a period is readable without a tenant in scope.
  const due = await transaction({}, (tx) => tx.select({ id: tenants.id }).from(tenants).where(isNotNull(tenants.auditRetentionDays)));
  let deleted = 0;
  for (const { id } of due) {
    try {
      deleted += (await pruneAuditLog(id))?.deleted ?? 0;
    } catch (e) {
      console.error(`[audit] retention for tenant ${id} failed: ${(e as Error).message}`);
    }
  }
  return deleted;
}

async function retentionDaysOf(tenantId: string): Promise<number | null> {
  const [row] = await transaction({}, (tx) => tx.select({ days: tenants.auditRetentionDays }).from(tenants).where(eq(tenants.id, tenantId)));
  return row?.days ?? null;
}
