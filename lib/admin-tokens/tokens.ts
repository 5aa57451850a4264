import { and, desc, eq, isNull, or, lt, sql } from "drizzle-orm";
import { adminTokens, tenants } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { generateSecret, sha256 } from "@/lib/crypto";
import { inTenant, setScope, transaction } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { assertCan, type ConsoleRole } from "@/lib/rbac/permissions";
import { actorUserId, type TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { createAdminTokenInput, type CreateAdminTokenInput } from "./schemas";

export const ADMIN_TOKEN_PREFIX = "gth_adm_";
/** last_used_at is written at most this often per token, to keep reads off the write path. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type AdminToken = {
  id: string;
  name: string;
  role: ConsoleRole;
  displayPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const tokenColumns = {
  id: adminTokens.id,
  name: adminTokens.name,
  role: adminTokens.role,
  displayPrefix: adminTokens.displayPrefix,
  createdAt: adminTokens.createdAt,
  expiresAt: adminTokens.expiresAt,
  lastUsedAt: adminTokens.lastUsedAt,
  revokedAt: adminTokens.revokedAt,
};

/** A token as its audit events show it: what the console lists, never the token or its hash. */
function auditedToken(token: AdminToken) {
  return { name: token.name, role: token.role, displayPrefix: token.displayPrefix, expiresAt: token.expiresAt, revokedAt: token.revokedAt };
}

/** Creates a token; `secret` is returned this once and never stored. */
export async function createAdminToken(ctx: TenantContext, input: CreateAdminTokenInput): Promise<{ token: AdminToken; secret: string }> {
  assertCan(ctx, "tokens.write");
  const { name, role, expiresInDays } = parseInput(createAdminTokenInput, input);
  const { secret, hash, displayPrefix } = generateSecret(ADMIN_TOKEN_PREFIX);
  const token = await inTenant(ctx.tenant.id, async (tx) => {
    const [row] = await tx
      .insert(adminTokens)
      .values({
        id: newId("adminToken"),
        tenantId: ctx.tenant.id,
        name,
        role,
        displayPrefix,
        tokenHash: hash,
        createdBy: actorUserId(ctx),
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
      })
      .returning(tokenColumns);
    await recordAdminChange(tx, ctx, { action: "token.created", target: { type: "token", id: row!.id, name: row!.name }, after: auditedToken(row!) });
    return row!;
  });
  return { token, secret };
}

export async function listAdminTokens(ctx: TenantContext): Promise<AdminToken[]> {
  assertCan(ctx, "tokens.read");
  return inTenant(ctx.tenant.id, (tx) =>
    tx.select(tokenColumns).from(adminTokens).where(eq(adminTokens.tenantId, ctx.tenant.id)).orderBy(desc(adminTokens.createdAt)),
  );
}

/**
 * Revokes a token; the next request made with it fails, in every process.
 * Revoking a revoked token changes nothing and records nothing.
 */
export async function revokeAdminToken(ctx: TenantContext, tokenId: string): Promise<void> {
  assertCan(ctx, "tokens.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const [before] = await tx
      .select(tokenColumns)
      .from(adminTokens)
      .where(and(eq(adminTokens.tenantId, ctx.tenant.id), eq(adminTokens.id, tokenId)))
      .for("update");
    if (!before) throw notFound("The token");
    if (before.revokedAt) return;
    const [after] = await tx
      .update(adminTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(adminTokens.tenantId, ctx.tenant.id), eq(adminTokens.id, tokenId)))
      .returning(tokenColumns);
    await recordAdminChange(tx, ctx, {
      action: "token.revoked",
      target: { type: "token", id: tokenId, name: before.name },
      before: auditedToken(before),
      after: auditedToken(after!),
    });
  });
}

/** The tenant context a presented admin token acts in, or null if it is unknown, expired or revoked. */
export async function authenticateAdminToken(secret: string): Promise<TenantContext | null> {
  if (!secret.startsWith(ADMIN_TOKEN_PREFIX) || secret.length > 128) return null;
  const hash = sha256(secret);
  return transaction({ secretHash: hash }, async (tx) => {
    const [row] = await tx
      .select({ token: adminTokens, tenant: tenants })
      .from(adminTokens)
      .innerJoin(tenants, eq(tenants.id, adminTokens.tenantId))
      .where(eq(adminTokens.tokenHash, hash));
    if (!row) return null;
    const { token, tenant } = row;
    if (token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) return null;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await setScope(tx, { tenantId: tenant.id });
      await tx
        .update(adminTokens)
        .set({ lastUsedAt: new Date() })
        .where(
          and(
            eq(adminTokens.id, token.id),
            or(isNull(adminTokens.lastUsedAt), lt(adminTokens.lastUsedAt, new Date(Date.now() - LAST_USED_RESOLUTION_MS))),
          ),
        );
    }
    return {
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      actor: { kind: "token", tokenId: token.id, name: token.name },
      role: token.role,
    };
  });
}
