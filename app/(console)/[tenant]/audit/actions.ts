"use server";

import { runAction, type ActionState } from "@/lib/actions";
import { readFullPayload, type FullPayload } from "@/lib/audit/payloads";
import { verifyAuditChain, type ChainReport } from "@/lib/audit/verify";
import { requireTenant } from "@/lib/auth/session";

export async function verifyChainAction(slug: string): Promise<ActionState<{ report: ChainReport }>> {
  return runAction(async () => ({ report: await verifyAuditChain(await requireTenant(slug)) }));
}

/** Opens an event's sealed full payload for a reader allowed to (audit.read_payloads); the reading is itself audited. */
export async function readFullPayloadAction(slug: string, eventId: string): Promise<ActionState<{ payload: FullPayload | null }>> {
  return runAction(async () => ({ payload: await readFullPayload(await requireTenant(slug), eventId) }));
}
