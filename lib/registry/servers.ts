import { and, asc, eq, sql } from "drizzle-orm";
import { servers, serverTools, type ServerTransport, type UpstreamAuthKind } from "@/db/schema";
import { OMITTED, recordAdminChange } from "@/lib/audit/admin";
import { inTenant, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { env } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { assertPublicUrl } from "@/lib/upstream/url-guard";
import { parseInput } from "@/lib/validation";
import { refreshCatalog } from "./catalog";
import { sealAuth } from "./credentials";
import { createServerInput, updateServerInput, type CreateServerInput, type UpdateServerInput } from "./schemas";

/** A server as the console and the API show it: credentials only as a masked hint. */
export type ServerView = {
  id: string;
  name: string;
  description: string;
  tags: string[];
  transport: ServerTransport;
  url: string | null;
  namespace: string;
  auth: { kind: UpstreamAuthKind; hint: string | null };
  timeoutMs: number;
  enabled: boolean;
  source: "tenant" | "platform";
  catalog: { refreshedAt: Date | null; error: string | null; toolCount: number };
  createdAt: Date;
  updatedAt: Date;
};

const columns = {
  id: servers.id,
  name: servers.name,
  description: servers.description,
  tags: servers.tags,
  transport: servers.transport,
  url: servers.url,
  namespace: servers.namespace,
  authKind: servers.authKind,
  credentialHint: servers.credentialHint,
  timeoutMs: servers.timeoutMs,
  enabled: servers.enabled,
  source: servers.source,
  catalogRefreshedAt: servers.catalogRefreshedAt,
  catalogError: servers.catalogError,
  createdAt: servers.createdAt,
  updatedAt: servers.updatedAt,
  // Qualified by hand: drizzle leaves columns unqualified in a one-table select.
  toolCount: sql<number>`(select count(*)::int from ${serverTools} t where t.server_id = ${servers}.id)`,
};

type Row = Omit<typeof servers.$inferSelect, "tenantId" | "sealedCredentials" | "platformKey"> & { toolCount: number };

function toView(row: Row): ServerView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    transport: row.transport,
    url: row.url,
    namespace: row.namespace,
    auth: { kind: row.authKind, hint: row.credentialHint },
    timeoutMs: row.timeoutMs,
    enabled: row.enabled,
    source: row.source,
    catalog: { refreshedAt: row.catalogRefreshedAt, error: row.catalogError, toolCount: Number(row.toolCount) },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * A server as its audit events show it before and after a change: its
 * configuration, with the kind of its credentials but neither them nor their
 * masked hint (which keeps a few characters of each).
 */
function auditedServer(view: ServerView) {
  return {
    name: view.name,
    description: view.description,
    tags: view.tags,
    transport: view.transport,
    url: view.url,
    namespace: view.namespace,
    auth: { kind: view.auth.kind, credentials: view.auth.kind === "none" ? null : OMITTED },
    timeoutMs: view.timeoutMs,
    enabled: view.enabled,
    source: view.source,
  };
}

export async function listServers(ctx: TenantContext): Promise<ServerView[]> {
  assertCan(ctx, "servers.read");
  const rows = await inTenant(ctx.tenant.id, (tx) =>
    tx.select(columns).from(servers).where(eq(servers.tenantId, ctx.tenant.id)).orderBy(asc(servers.name)),
  );
  return rows.map(toView);
}

export async function getServer(ctx: TenantContext, name: string): Promise<ServerView> {
  assertCan(ctx, "servers.read");
  return inTenant(ctx.tenant.id, (tx) => getServerIn(tx, ctx.tenant.id, name));
}

async function getServerIn(tx: Tx, tenantId: string, name: string, lock = false): Promise<ServerView> {
  const query = tx
    .select(columns)
    .from(servers)
    .where(and(eq(servers.tenantId, tenantId), eq(servers.name, name)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound(`The server "${name}"`);
  return toView(row);
}

const nameTaken = (name: string) =>
  new AppError("conflict", `A server named "${name}" already exists in this tenant.`, { fields: { name: ["This name is taken."] } });

/**
 * Registers a server and loads its tool catalog. A server that cannot be
 * reached yet is still registered; its catalog error says why.
 */
export async function createServer(ctx: TenantContext, input: CreateServerInput): Promise<ServerView> {
  assertCan(ctx, "servers.write");
  const data = parseInput(createServerInput, input);
  await assertPublicUrl(data.url, env.upstreamPolicy);
  const id = newId("server");
  try {
    await inTenant(ctx.tenant.id, async (tx) => {
      await tx.insert(servers).values({
        id,
        tenantId: ctx.tenant.id,
        name: data.name,
        description: data.description,
        tags: data.tags,
        transport: data.transport,
        url: data.url,
        namespace: data.namespace ?? data.name,
        timeoutMs: data.timeoutMs,
        enabled: data.enabled,
        ...sealAuth(data.auth, ctx.tenant.id, id),
      });
      const created = await getServerIn(tx, ctx.tenant.id, data.name);
      await recordAdminChange(tx, ctx, { action: "server.created", target: { type: "server", id, name: data.name }, after: auditedServer(created) });
      await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(data.name);
    throw e;
  }
  if (data.enabled) await refreshCatalog(ctx.tenant.id, id, ctx.actor);
  return inTenant(ctx.tenant.id, (tx) => getServerIn(tx, ctx.tenant.id, data.name));
}

export async function updateServer(ctx: TenantContext, name: string, input: UpdateServerInput): Promise<ServerView> {
  assertCan(ctx, "servers.write");
  const data = parseInput(updateServerInput, input);
  if (data.url !== undefined) await assertPublicUrl(data.url, env.upstreamPolicy);
  const updated = await inTenant(ctx.tenant.id, async (tx) => {
    const current = await getServerIn(tx, ctx.tenant.id, name, true);
    const connectionFields = [data.url, data.transport, data.auth] as const;
    if (current.source === "platform" && (connectionFields.some((f) => f !== undefined) || data.namespace !== undefined)) {
      throw new AppError("forbidden", "This server is declared by the platform operator; only its description, tags, timeout and enabled state can change here.");
    }
    await tx
      .update(servers)
      .set({
        ...(data.description !== undefined && { description: data.description }),
        ...(data.tags !== undefined && { tags: data.tags }),
        ...(data.transport !== undefined && { transport: data.transport }),
        ...(data.url !== undefined && { url: data.url }),
        ...(data.namespace !== undefined && { namespace: data.namespace }),
        ...(data.timeoutMs !== undefined && { timeoutMs: data.timeoutMs }),
        ...(data.enabled !== undefined && { enabled: data.enabled }),
        ...(data.auth !== undefined && sealAuth(data.auth, ctx.tenant.id, current.id)),
        updatedAt: new Date(),
      })
      .where(and(eq(servers.tenantId, ctx.tenant.id), eq(servers.id, current.id)));
    const next = await getServerIn(tx, ctx.tenant.id, name);
    await recordAdminChange(tx, ctx, {
      action: serverUpdateAction(data, current),
      target: { type: "server", id: current.id, name: current.name },
      before: auditedServer(current),
      after: auditedServer(next),
    });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return next;
  });
  const reconnect = data.url !== undefined || data.transport !== undefined || data.auth !== undefined || data.enabled === true;
  if (!updated.enabled || !reconnect) return updated;
  await refreshCatalog(ctx.tenant.id, updated.id, ctx.actor);
  return inTenant(ctx.tenant.id, (tx) => getServerIn(tx, ctx.tenant.id, name));
}

/**
 * What an update is called in the audit log: new credentials are named as
 * such (their before and after both read "[omitted]"), so is switching a
 * server on or off alone; anything else is `server.updated`.
 */
function serverUpdateAction(data: { [K in keyof UpdateServerInput]?: unknown }, current: ServerView): string {
  if (data.auth !== undefined) return "server.credentials_changed";
  const given = Object.keys(data).filter((k) => data[k as keyof UpdateServerInput] !== undefined);
  if (given.length === 1 && given[0] === "enabled" && data.enabled !== current.enabled) return data.enabled ? "server.enabled" : "server.disabled";
  return "server.updated";
}

export async function deleteServer(ctx: TenantContext, name: string): Promise<void> {
  assertCan(ctx, "servers.write");
  await inTenant(ctx.tenant.id, async (tx) => {
    const current = await getServerIn(tx, ctx.tenant.id, name, true);
    if (current.source === "platform") {
      throw new AppError("forbidden", "This server is declared by the platform operator; disable it instead.");
    }
    await tx.delete(servers).where(and(eq(servers.tenantId, ctx.tenant.id), eq(servers.id, current.id)));
    await recordAdminChange(tx, ctx, { action: "server.deleted", target: { type: "server", id: current.id, name: current.name }, before: auditedServer(current) });
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
  });
}

