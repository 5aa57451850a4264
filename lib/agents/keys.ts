import { and, desc, eq, sql } from "drizzle-orm";
import { agentKeys, agents } from "@/db/schema";
import { generateSecret } from "@/lib/crypto";
import { inTenant } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import { actorUserId, type TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { createAgentKeyInput, type CreateAgentKeyInput } from "./schemas";

export const AGENT_KEY_PREFIX = "gth_agt_";

export type AgentKey = {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const keyColumns = {
  id: agentKeys.id,
  name: agentKeys.name,
  displayPrefix: agentKeys.displayPrefix,
  createdAt: agentKeys.createdAt,
  expiresAt: agentKeys.expiresAt,
  lastUsedAt: agentKeys.lastUsedAt,
  revokedAt: agentKeys.revokedAt,
};

/** Issues a key; `secret` is returned this once and only its hash is kept. */
export async function createAgentKey(ctx: TenantContext, agentId: string, input: CreateAgentKeyInput): Promise<{ key: AgentKey; secret: string }> {
  assertCan(ctx, "agents.write");
  const { name, expiresInDays } = parseInput(createAgentKeyInput, input);
  const { secret, hash, displayPrefix } = generateSecret(AGENT_KEY_PREFIX);
  const key = await inTenant(ctx.tenant.id, async (tx) => {
    const [agent] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.tenantId, ctx.tenant.id), eq(agents.id, agentId)));
    if (!agent) throw notFound("The agent");
    const [row] = await tx
      .insert(agentKeys)
      .values({
        id: newId("agentKey"),
        tenantId: ctx.tenant.id,
        agentId,
        name,
        displayPrefix,
        keyHash: hash,
        createdBy: actorUserId(ctx),
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
      })
      .returning(keyColumns);
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return row!;
  });
  return { key, secret };
}

export async function listAgentKeys(ctx: TenantContext, agentId: string): Promise<AgentKey[]> {
  assertCan(ctx, "agents.read");
  return inTenant(ctx.tenant.id, async (tx) => {
    const [agent] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.tenantId, ctx.tenant.id), eq(agents.id, agentId)));
    if (!agent) throw notFound("The agent");
    return tx
      .select(keyColumns)
      .from(agentKeys)
      .where(and(eq(agentKeys.tenantId, ctx.tenant.id), eq(agentKeys.agentId, agentId)))
      .orderBy(desc(agentKeys.createdAt));
  });
}

/** Revokes a key; the next request made with it fails, in every process. */
export async function revokeAgentKey(ctx: TenantContext, agentId: string, keyId: string): Promise<void> {
  assertCan(ctx, "agents.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const rows = await tx
      .update(agentKeys)
      .set({ revokedAt: sql`coalesce(${agentKeys.revokedAt}, now())` })
      .where(and(eq(agentKeys.tenantId, ctx.tenant.id), eq(agentKeys.agentId, agentId), eq(agentKeys.id, keyId)))
      .returning({ id: agentKeys.id });
    if (rows.length === 0) throw notFound("The key");
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
  });
}
