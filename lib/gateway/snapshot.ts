import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { and, asc, eq, isNull } from "drizzle-orm";
import { accessRoles, accessRules, agentKeys, agents, roleBindings, servers, serverTools, tenants } from "@/db/schema";
import { auditRecordingOf, type AuditRecording } from "@/lib/audit/events";
import { setScope, transaction } from "@/lib/db";
import { isLive, startListening, subscribe } from "@/lib/events/bus";
import { bindRule } from "@/lib/policy/bind";
import { mayBeAllowed, type BoundRule } from "@/lib/policy/decide";
import { ruleOf } from "@/lib/policy/roles";
import { refreshCatalog, upstreamConfigOf } from "@/lib/registry/catalog";
import type { UpstreamConfig } from "@/lib/upstream/connect";
import { retireUpstreams } from "@/lib/upstream/pool";
import { encodeName } from "./tool-names";

export type SnapshotServer = { config: UpstreamConfig; name: string; namespace: string; catalogLoaded: boolean };
export type SnapshotTool = { exposedName: string; server: SnapshotServer; tool: Tool; hash: string };
export type SnapshotAgent = { id: string; name: string; labels: Record<string, string>; rules: BoundRule[] };
export type SnapshotKey = { id: string; agentId: string; displayPrefix: string; expiresAt: number | null; createdBy: string | null };

/**
 * A tenant's gateway configuration, read in one transaction and served from
 * memory: the hot path of an agent request touches the database only to
 * write its audit event. Invalidated on any change, in every process.
 */
export type TenantSnapshot = {
  tenant: { id: string; slug: string; name: string; approvalWaitSeconds: number };
  /** How the tenant's agent requests are audited (redactor compiled once here, not per call). */
  audit: AuditRecording;
  keys: Map<string, SnapshotKey>;
  agents: Map<string, SnapshotAgent>;
  /** Enabled servers only: a disabled server does not exist for agents. */
  servers: SnapshotServer[];
  /** Every tool of every enabled server, by the name agents see. */
  tools: Map<string, SnapshotTool>;
  /** Memo of each agent's visible tools, in catalog order. */
  visible: Map<string, Tool[]>;
};

const MAX_AGE_MS = 60_000;

type Cached = { snapshot: Promise<TenantSnapshot | null>; loadedAt: number; tenantId?: string };
type CacheState = { bySlug: Map<string, Cached>; subscribed: boolean };
const cache: CacheState = ((globalThis as typeof globalThis & { __gatehouseSnapshots?: CacheState }).__gatehouseSnapshots ??= {
  bySlug: new Map(),
  subscribed: false,
});

function ensureSubscribed(): void {
  if (cache.subscribed) return;
  cache.subscribed = true;
  subscribe((event) => {
    if (event.kind === "reset") cache.bySlug.clear();
    if (event.kind !== "config") return;
    for (const [slug, cached] of cache.bySlug) if (cached.tenantId === event.tenantId) cache.bySlug.delete(slug);
  });
}

/**
 * The tenant's snapshot, or null when no tenant has this slug. Served from
 * memory only while this process is hearing change events; otherwise read
 * afresh, so a missed event can never leave a revoked key working.
 */
export async function getSnapshot(slug: string): Promise<TenantSnapshot | null> {
  ensureSubscribed();
  await startListening().catch(() => {});
  const cached = cache.bySlug.get(slug);
  if (cached && isLive() && Date.now() - cached.loadedAt < MAX_AGE_MS) return cached.snapshot;
  const entry: Cached = { snapshot: loadSnapshot(slug), loadedAt: Date.now() };
  cache.bySlug.set(slug, entry);
  try {
    const snapshot = await entry.snapshot;
    entry.tenantId = snapshot?.tenant.id;
    if (snapshot) {
      retireStale(snapshot);
      loadMissingCatalogs(snapshot);
    }
    return snapshot;
  } catch (e) {
    if (cache.bySlug.get(slug) === entry) cache.bySlug.delete(slug);
    throw e;
  }
}

async function loadSnapshot(slug: string): Promise<TenantSnapshot | null> {
  return transaction({}, async (tx) => {
    const [row] = await tx
      .select({
        id: tenants.id,
        slug: tenants.slug,
        name: tenants.name,
        approvalWaitSeconds: tenants.approvalWaitSeconds,
        auditRedaction: tenants.auditRedaction,
        auditResultMaxBytes: tenants.auditResultMaxBytes,
        auditFullPayloads: tenants.auditFullPayloads,
        auditFailOpen: tenants.auditFailOpen,
      })
      .from(tenants)
      .where(eq(tenants.slug, slug));
    if (!row) return null;
    const { auditRedaction, auditResultMaxBytes, auditFullPayloads, auditFailOpen, ...tenant } = row;
    await setScope(tx, { tenantId: tenant.id });
    const tenantId = tenant.id;
    // One connection serves a transaction, so these run one after another anyway.
    const keyRows = await tx
      .select({ id: agentKeys.id, agentId: agentKeys.agentId, hash: agentKeys.keyHash, displayPrefix: agentKeys.displayPrefix, expiresAt: agentKeys.expiresAt, createdBy: agentKeys.createdBy })
      .from(agentKeys)
      .where(and(eq(agentKeys.tenantId, tenantId), isNull(agentKeys.revokedAt)));
    const agentRows = await tx.select({ id: agents.id, name: agents.name, labels: agents.labels }).from(agents).where(eq(agents.tenantId, tenantId));
    const ruleRows = await tx
      .select({ agentId: roleBindings.agentId, role: accessRoles.name, rule: accessRules })
      .from(roleBindings)
      .innerJoin(accessRoles, eq(accessRoles.id, roleBindings.roleId))
      .innerJoin(accessRules, eq(accessRules.roleId, roleBindings.roleId))
      .where(eq(roleBindings.tenantId, tenantId))
      .orderBy(asc(accessRoles.name), asc(accessRules.position));
    const serverRows = await tx
      .select()
      .from(servers)
      .where(and(eq(servers.tenantId, tenantId), eq(servers.enabled, true)))
      .orderBy(asc(servers.createdAt), asc(servers.name));
    const toolRows = await tx
      .select({ serverId: serverTools.serverId, name: serverTools.name, definition: serverTools.definition, hash: serverTools.hash })
      .from(serverTools)
      .where(eq(serverTools.tenantId, tenantId))
      .orderBy(asc(serverTools.serverId), asc(serverTools.position));

    const agentMap = new Map<string, SnapshotAgent>(agentRows.map((a) => [a.id, { ...a, rules: [] }]));
    for (const r of ruleRows) {
      agentMap.get(r.agentId)?.rules.push(bindRule(r.role, r.rule.position + 1, ruleOf(r.rule)));
    }
    const serverList: SnapshotServer[] = serverRows.map((row) => ({
      config: upstreamConfigOf(row),
      name: row.name,
      namespace: row.namespace,
      catalogLoaded: row.catalogRefreshedAt !== null,
    }));
    const byId = new Map(serverList.map((s) => [s.config.id, s]));
    const tools = new Map<string, SnapshotTool>();
    // Servers in registration order: on a name clash (unprefixed namespaces) the earlier server keeps the name.
    for (const server of serverList) {
      for (const row of toolRows) {
        if (row.serverId !== server.config.id) continue;
        const exposedName = encodeName(server.namespace, row.name);
        if (!tools.has(exposedName)) tools.set(exposedName, { exposedName, server: byId.get(row.serverId)!, tool: row.definition as unknown as Tool, hash: row.hash });
      }
    }
    return {
      tenant,
      audit: auditRecordingOf({ auditRedaction, auditResultMaxBytes, auditFullPayloads, auditFailOpen }),
      keys: new Map(keyRows.map((k) => [k.hash, { id: k.id, agentId: k.agentId, displayPrefix: k.displayPrefix, expiresAt: k.expiresAt?.getTime() ?? null, createdBy: k.createdBy }])),
      agents: agentMap,
      servers: serverList,
      tools,
      visible: new Map(),
    };
  });
}

/**
 * The tools an agent may see, as it sees them: renamed, otherwise exactly as
 * the upstream described them. A tool some rule could let through (perhaps
 * on a condition, perhaps after approval) is listed; one denied under every
 * condition is not.
 */
export function visibleTools(snapshot: TenantSnapshot, agent: SnapshotAgent): Tool[] {
  let list = snapshot.visible.get(agent.id);
  if (!list) {
    list = [];
    for (const entry of snapshot.tools.values()) {
      if (mayBeAllowed(agent.rules, { target: "tool", server: entry.server.name, name: entry.tool.name })) {
        list.push({ ...entry.tool, name: entry.exposedName });
      }
    }
    snapshot.visible.set(agent.id, list);
  }
  return list;
}

/** Closes pooled upstream clients whose server changed, was disabled or went away. */
function retireStale(snapshot: TenantSnapshot): void {
  retireUpstreams(snapshot.tenant.id, new Map(snapshot.servers.map((s) => [s.config.id, s.config.version])));
}

const RETRY_CATALOG_MS = 30_000;
const catalogAttempts = new Map<string, number>();

/** A server whose tools were never listed (e.g. it was down when registered) is asked again, at most every 30 s. */
function loadMissingCatalogs(snapshot: TenantSnapshot): void {
  for (const server of snapshot.servers) {
    if (server.catalogLoaded) continue;
    const last = catalogAttempts.get(server.config.id) ?? 0;
    if (Date.now() - last < RETRY_CATALOG_MS) continue;
    catalogAttempts.set(server.config.id, Date.now());
    void refreshCatalog(snapshot.tenant.id, server.config.id).catch(() => {});
  }
}
