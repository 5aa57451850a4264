import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Prompt, Resource, ResourceTemplate, Tool } from "@modelcontextprotocol/sdk/types.js";
import { and, asc, eq } from "drizzle-orm";
import { servers, serverTools } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { canonicalHash } from "@/lib/canonical-json";
import { inTenant, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { assertCan } from "@/lib/rbac/permissions";
import type { Actor, TenantContext } from "@/lib/tenancy/context";
import { connectHttp, connectStdio, type UpstreamConfig } from "@/lib/upstream/connect";
import { describeUpstreamError } from "@/lib/upstream/errors";

export type CatalogTool = { name: string; definition: Tool; hash: string };

/** What "Test connection" shows: the upstream's own description of itself. */
export type ServerProbe = {
  ok: boolean;
  error: string | null;
  serverInfo: { name: string; version: string } | null;
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
  latencyMs: number;
};

const MAX_PAGES = 50;
const MAX_TOOLS = 5_000;

export function upstreamConfigOf(row: typeof servers.$inferSelect): UpstreamConfig {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    transport: row.transport,
    url: row.url,
    sealedCredentials: row.sealedCredentials,
    timeoutMs: row.timeoutMs,
    source: row.source,
    platformKey: row.platformKey,
    version: String(row.updatedAt.getTime()),
  };
}

async function loadServer(tx: Tx, tenantId: string, name: string) {
  const [row] = await tx
    .select()
    .from(servers)
    .where(and(eq(servers.tenantId, tenantId), eq(servers.name, name)));
  if (!row) throw notFound(`The server "${name}"`);
  return row;
}

export async function listCatalog(ctx: TenantContext, name: string): Promise<CatalogTool[]> {
  assertCan(ctx, "servers.read");
  return inTenant(ctx.tenant.id, async (tx) => {
    const server = await loadServer(tx, ctx.tenant.id, name);
    const rows = await tx
      .select({ name: serverTools.name, definition: serverTools.definition, hash: serverTools.hash })
      .from(serverTools)
      .where(and(eq(serverTools.tenantId, ctx.tenant.id), eq(serverTools.serverId, server.id)))
      .orderBy(asc(serverTools.position));
    return rows.map((r) => ({ ...r, definition: r.definition as Tool }));
  });
}

/**
 * Connects to the server, lists what it offers, and stores its tools as the
 * catalog agents are served from. A failure is stored too, and shown; it
 * leaves the previous catalog in place.
 */
export async function testServer(ctx: TenantContext, name: string): Promise<ServerProbe> {
  assertCan(ctx, "servers.write");
  const row = await inTenant(ctx.tenant.id, (tx) => loadServer(tx, ctx.tenant.id, name));
  return probeAndStore(upstreamConfigOf(row), ctx.actor);
}

/**
 * Who the audit log names for a catalog that changed with no person asking
 * (the upstream said its list changed, the gateway started): the platform
 * itself, which has no actor kind of its own.
 */
export const CATALOG_REFRESH_ACTOR: Actor = { kind: "operator", name: "Gatehouse (catalog refresh)" };

/**
 * Refreshes a catalog without a person asking (new server, upstream said its
 * list changed); `actor` is whoever caused it, when someone did.
 */
export async function refreshCatalog(tenantId: string, serverId: string, actor: Actor = CATALOG_REFRESH_ACTOR): Promise<ServerProbe | undefined> {
  const [row] = await inTenant(tenantId, (tx) =>
    tx
      .select()
      .from(servers)
      .where(and(eq(servers.tenantId, tenantId), eq(servers.id, serverId))),
  );
  return row ? probeAndStore(upstreamConfigOf(row), actor) : undefined;
}

/**
 * Stores what the probe found. A catalog that changed is an audited change of
 * the tenant's configuration (the tools agents may be offered), recorded with
 * each tool's definition hash so a silently redefined tool shows.
 */
async function probeAndStore(config: UpstreamConfig, actor: Actor): Promise<ServerProbe> {
  const probe = await inspectUpstream(config);
  await inTenant(config.tenantId, async (tx) => {
    const where = and(eq(servers.tenantId, config.tenantId), eq(servers.id, config.id));
    if (!probe.ok) {
      await tx.update(servers).set({ catalogError: probe.error }).where(where);
      return;
    }
    const current = await tx
      .select({ name: serverTools.name, hash: serverTools.hash, position: serverTools.position })
      .from(serverTools)
      .where(and(eq(serverTools.tenantId, config.tenantId), eq(serverTools.serverId, config.id)));
    const next = probe.tools.map((tool, position) => ({ name: tool.name, hash: canonicalHash(tool), position, definition: tool }));
    const changed =
      current.length !== next.length ||
      next.some((t) => !current.some((c) => c.name === t.name && c.hash === t.hash && c.position === t.position));
    if (changed) {
      await tx.delete(serverTools).where(and(eq(serverTools.tenantId, config.tenantId), eq(serverTools.serverId, config.id)));
      if (next.length) {
        await tx.insert(serverTools).values(
          next.map((t) => ({
            tenantId: config.tenantId,
            serverId: config.id,
            name: t.name,
            hash: t.hash,
            position: t.position,
            definition: t.definition as unknown as Record<string, unknown>,
          })),
        );
      }
      await recordAdminChange(tx, { tenant: { id: config.tenantId }, actor }, {
        action: "server.catalog_changed",
        target: { type: "server", id: config.id, name: config.name },
        before: { tools: [...current].sort((a, b) => a.position - b.position).map((t) => ({ name: t.name, definitionSha256: t.hash })) },
        after: { tools: next.map((t) => ({ name: t.name, definitionSha256: t.hash })) },
      });
      await publish(tx, { kind: "config", tenantId: config.tenantId });
    }
    await tx.update(servers).set({ catalogError: null, catalogRefreshedAt: new Date() }).where(where);
  });
  return probe;
}

async function inspectUpstream(config: UpstreamConfig): Promise<ServerProbe> {
  const started = performance.now();
  const empty = { serverInfo: null, tools: [], resources: [], resourceTemplates: [], prompts: [] };
  let client: Client | undefined;
  const oneShot = config.transport !== "stdio";
  try {
    client = oneShot ? await connectHttp(config) : await connectStdio(config);
    const options = { timeout: config.timeoutMs };
    const caps = client.getServerCapabilities() ?? {};
    const tools = caps.tools ? await paginate((cursor) => client!.listTools({ cursor }, options).then((r) => [r.tools, r.nextCursor] as const)) : [];
    const resources = caps.resources
      ? await paginate((cursor) => client!.listResources({ cursor }, options).then((r) => [r.resources, r.nextCursor] as const))
      : [];
    const resourceTemplates = caps.resources
      ? await paginate((cursor) =>
          client!.listResourceTemplates({ cursor }, options).then((r) => [r.resourceTemplates, r.nextCursor] as const),
        ).catch(() => [])
      : [];
    const prompts = caps.prompts ? await paginate((cursor) => client!.listPrompts({ cursor }, options).then((r) => [r.prompts, r.nextCursor] as const)) : [];
    const info = client.getServerVersion();
    return {
      ok: true,
      error: null,
      serverInfo: info ? { name: info.name, version: info.version } : null,
      tools: tools.slice(0, MAX_TOOLS),
      resources,
      resourceTemplates,
      prompts,
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (e) {
    return { ok: false, error: describeUpstreamError(e, config), ...empty, latencyMs: Math.round(performance.now() - started) };
  } finally {
    if (oneShot) await client?.close().catch(() => {});
  }
}

async function paginate<T>(page: (cursor: string | undefined) => Promise<readonly [T[], string | undefined]>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const [items, next] = await page(cursor);
    all.push(...items);
    if (!next || all.length >= MAX_TOOLS) break;
    cursor = next;
  }
  return all;
}
