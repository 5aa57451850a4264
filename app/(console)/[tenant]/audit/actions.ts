"use server";

import { runAction, type ActionState } from "@/lib/actions";
import { verifyAuditChain, type ChainReport } from "@/lib/audit/verify";
import { requireTenant } from "@/lib/auth/session";

export async function verifyChainAction(slug: string): Promise<ActionState<{ report: ChainReport }>> {
  return runAction(async () => ({ report: await verifyAuditChain(await requireTenant(slug)) }));
}
