import { createHmac, timingSafeEqual } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "@/db/client";
import { auditCheckpoints } from "@/db/schema";
import { canonicalJson } from "@/lib/canonical-json";
import { inTenant, type Tx } from "@/lib/db";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import { derivedKey } from "@/lib/secrets/seal";
import type { TenantContext } from "@/lib/tenancy/context";

/** A signed statement of where a tenant's audit chain stood, as stored and as exported. */
export type Checkpoint = { tenantId: string; seq: number; hash: string; createdAt: string; keyId: string; signature: string };

/** An exported checkpoint handed back for verification. */
export const checkpointInput = z.object({
  tenantId: z.string().min(1).max(40),
  seq: z.int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "A chain hash is 64 hex digits."),
  createdAt: z.iso.datetime(),
  keyId: z.string().min(1).max(16),
  signature: z.string().regex(/^[0-9a-f]{64}$/, "A signature is 64 hex digits."),
});

const signingKey = () => derivedKey("audit checkpoints v1");

function sign(key: Buffer, c: Omit<Checkpoint, "keyId" | "signature">): string {
  return createHmac("sha256", key).update(canonicalJson({ tenantId: c.tenantId, seq: c.seq, hash: c.hash, createdAt: c.createdAt })).digest("hex");
}

/** Whether a checkpoint was signed by this server's key; null when it names another key, which this server cannot check. */
export function checkpointSignatureValid(c: Checkpoint): boolean | null {
  const key = signingKey();
  if (c.keyId !== key.id) return null;
  const expected = Buffer.from(sign(key.bytes, c), "hex");
  const given = Buffer.from(c.signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Signs where the tenant's chain stands now, if it moved since the last
 * checkpoint. Returns the new checkpoint, or null when there was nothing new.
 */
export async function writeCheckpoint(tenantId: string): Promise<Checkpoint | null> {
  return inTenant(tenantId, async (tx) => {
    const head = (await tx.execute(sql`select seq, hash from gatehouse_audit_head()`)) as unknown as { rows: { seq: string | number; hash: string }[] };
    const at = head.rows[0];
    if (!at) return null;
    const [last] = await latest(tx, tenantId, 1);
    if (last && last.seq >= Number(at.seq)) return null;
    return signCheckpointAt(tx, tenantId, { seq: Number(at.seq), hash: at.hash });
  });
}

/**
 * Signs a checkpoint at one place of the chain, in the caller's transaction
 * (scoped to the tenant): where retention is about to cut the chain, so what
 * remains starts from a signed point. One already standing there is kept and
 * returned, whatever hash it signed: the caller compares.
 */
export async function signCheckpointAt(tx: Tx, tenantId: string, at: { seq: number; hash: string }): Promise<Checkpoint> {
  const key = signingKey();
  const unsigned = { tenantId, seq: at.seq, hash: at.hash, createdAt: new Date().toISOString() };
  const checkpoint: Checkpoint = { ...unsigned, keyId: key.id, signature: sign(key.bytes, unsigned) };
  const inserted = await tx
    .insert(auditCheckpoints)
    .values({ id: newId("checkpoint"), ...checkpoint, createdAt: new Date(checkpoint.createdAt) })
    .onConflictDoNothing()
    .returning({ id: auditCheckpoints.id });
  if (inserted.length > 0) return checkpoint;
  const standing = await checkpointAt(tx, tenantId, at.seq);
  if (!standing) throw new Error(`the checkpoint at event ${at.seq} was neither written nor found`);
  return standing;
}

/** The stored checkpoint at exactly this place of the tenant's chain, if any. */
export async function checkpointAt(tx: Tx, tenantId: string, seq: number): Promise<Checkpoint | undefined> {
  const [r] = await tx
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.tenantId, tenantId), eq(auditCheckpoints.seq, seq)));
  return r && { tenantId: r.tenantId, seq: r.seq, hash: r.hash, createdAt: r.createdAt.toISOString(), keyId: r.keyId, signature: r.signature };
}

/** The tenant's checkpoints, newest first: to export and keep outside Gatehouse. */
export async function listCheckpoints(ctx: TenantContext, limit = 100): Promise<Checkpoint[]> {
  assertCan(ctx, "audit.read");
  return inTenant(ctx.tenant.id, (tx) => latest(tx, ctx.tenant.id, Math.min(Math.max(limit, 1), 1000)));
}

/** Signs a checkpoint now (if the chain moved), e.g. before exporting. */
export async function createCheckpoint(ctx: TenantContext): Promise<Checkpoint | null> {
  assertCan(ctx, "audit.export");
  return writeCheckpoint(ctx.tenant.id);
}

export async function latest(tx: Tx, tenantId: string, limit: number): Promise<Checkpoint[]> {
  const rows = await tx
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.tenantId, tenantId)))
    .orderBy(desc(auditCheckpoints.seq))
    .limit(limit);
  return rows.map((r) => ({ tenantId: r.tenantId, seq: r.seq, hash: r.hash, createdAt: r.createdAt.toISOString(), keyId: r.keyId, signature: r.signature }));
}

const CHECKPOINT_MS = 5 * 60_000;
/** Retention runs hourly: a period is counted in days, so an hour late deletes nothing it should have kept. */
const RETENTION_MS = 60 * 60_000;
type WriterState = { timer?: NodeJS.Timeout; retention?: NodeJS.Timeout };
const state: WriterState = ((globalThis as typeof globalThis & { __gatehouseCheckpoints?: WriterState }).__gatehouseCheckpoints ??= {});

/**
 * Every five minutes, signs a checkpoint for each tenant whose chain moved;
 * every hour (first five minutes after start, so a process that restarts
 * often still gets to it), deletes what the tenants' retention periods let go.
 * Any process may; the unique place decides checkpoints, a lock per tenant
 * retention.
 */
export function startCheckpointWriter(): void {
  if (state.timer) return;
  state.timer = setInterval(() => void writeDueCheckpoints().catch((e: Error) => console.error(`[audit] checkpoint writing failed: ${e.message}`)), CHECKPOINT_MS);
  state.timer.unref();
  const prune = () =>
    // Imported when it runs: retention signs its cut with this module.
    void import("./retention")
      .then((m) => m.pruneDueAuditLogs())
      .catch((e: Error) => console.error(`[audit] retention failed: ${e.message}`));
  state.retention = setTimeout(() => {
    prune();
    state.retention = setInterval(prune, RETENTION_MS);
    state.retention.unref();
  }, CHECKPOINT_MS);
  state.retention.unref();
}

export async function writeDueCheckpoints(): Promise<number> {
  const { db } = await getDatabase();
  const result = (await db.execute(sql`select gatehouse_tenants_needing_checkpoint() as tenant_id`)) as unknown as { rows: { tenant_id: string }[] };
  let written = 0;
  for (const { tenant_id } of result.rows) if (await writeCheckpoint(tenant_id)) written += 1;
  return written;
}
