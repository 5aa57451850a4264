import { and, desc, eq, sql } from "drizzle-orm";
import { agentKeys, agents } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
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
      .select({ id: agents.id, name: agents.name })
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
    // The key itself is returned to the caller only; the event shows its display prefix, as the console does.
    await recordAdminChange(tx, ctx, {
      action: "agent_key.issued",
      target: { type: "agent_key", id: row!.id, name: row!.name },
      after: auditedKey(row!, agent),
    });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return row!;
  });
  return { key, secret };
}

function auditedKey(key: AgentKey, agent: { id: string; name: string }) {
  return { agent: { id: agent.id, name: agent.name }, name: key.name, displayPrefix: key.displayPrefix, expiresAt: key.expiresAt, revokedAt: key.revokedAt };
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

/**
 * Revokes a key; the next request made with it fails, in every process.
 * Revoking a revoked key changes nothing and records nothing.
 */
export async function revokeAgentKey(ctx: TenantContext, agentId: string, keyId: string): Promise<void> {
  assertCan(ctx, "agents.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const [before] = await tx
      .select({ key: keyColumns, agent: { id: agents.id, name: agents.name } })
      .from(agentKeys)
      .innerJoin(agents, eq(agents.id, agentKeys.agentId))
      .where(and(eq(agentKeys.tenantId, ctx.tenant.id), eq(agentKeys.agentId, agentId), eq(agentKeys.id, keyId)))
      .for("update", { of: agentKeys });
    if (!before) throw notFound("The key");
    if (before.key.revokedAt) return;
    const [after] = await tx
      .update(agentKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(agentKeys.tenantId, ctx.tenant.id), eq(agentKeys.id, keyId)))
      .returning(keyColumns);
    await recordAdminChange(tx, ctx, {
      action: "agent_key.revoked",
      target: { type: "agent_key", id: keyId, name: before.key.name },
      before: auditedKey(before.key, before.agent),
      after: auditedKey(after!, before.agent),
    });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
  });
}
