import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { expireApprovals } from "./requests";

const SWEEP_MS = 60_000;

type SweeperState = { timer?: NodeJS.Timeout };
const state: SweeperState = ((globalThis as typeof globalThis & { __gatehouseApprovalSweeper?: SweeperState }).__gatehouseApprovalSweeper ??= {});

/**
 * Closes approval requests nobody decided in time, in every tenant, once a
 * minute: each gets its "expired" audit event and webhook even if no one
 * looks at it again. Any process may run it; the update decides who wins.
 */
export function startApprovalSweeper(): void {
  if (state.timer) return;
  state.timer = setInterval(() => void sweepExpiredApprovals().catch((e: Error) => console.error(`[approvals] expiry sweep failed: ${e.message}`)), SWEEP_MS);
  state.timer.unref();
}

export async function sweepExpiredApprovals(): Promise<number> {
  const { db } = await getDatabase();
  const result = (await db.execute(sql`select gatehouse_tenants_with_expired_approvals() as tenant_id`)) as unknown as { rows: { tenant_id: string }[] };
  let expired = 0;
  for (const { tenant_id } of result.rows) expired += (await expireApprovals(tenant_id)).length;
  return expired;
}
