import { and, eq, isNull, lt, or } from "drizzle-orm";
import { agentKeys } from "@/db/schema";
import { inTenant } from "@/lib/db";

/** last_used_at is written at most this often per key and process, off the request's path. */
const RESOLUTION_MS = 60_000;

type UsageState = Map<string, number>;
const written: UsageState = ((globalThis as typeof globalThis & { __gatehouseKeyUsage?: UsageState }).__gatehouseKeyUsage ??= new Map());

export function touchKey(tenantId: string, keyId: string): void {
  const now = Date.now();
  if (now - (written.get(keyId) ?? 0) < RESOLUTION_MS) return;
  written.set(keyId, now);
  const cutoff = new Date(now - RESOLUTION_MS);
  inTenant(tenantId, (tx) =>
    tx
      .update(agentKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(and(eq(agentKeys.tenantId, tenantId), eq(agentKeys.id, keyId), or(isNull(agentKeys.lastUsedAt), lt(agentKeys.lastUsedAt, cutoff)))),
  ).catch((e) => console.error("[gateway] cannot record key use:", e instanceof Error ? e.message : e));
}
