import { describe, expect, it, vi } from "vitest";
import { getDatabase } from "@/db/client";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { appendAuditEvent, auditRecord } from "./chain";

// The route modules called as Next.js calls them. next-auth (the console's cookie session, not our code) cannot load
// outside Next.js; no request here carries a cookie, so it is faked as "nobody signed in".
vi.mock("next-auth", () => ({
  default: () => ({ handlers: {}, auth: async () => null, signIn: async () => undefined, signOut: async () => undefined }),
  CredentialsSignin: class extends Error {},
  AuthError: class extends Error {},
}));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

const { GET: listEvents } = await import("@/app/api/v1/tenants/[tenant]/audit-events/route");
const eventRoute = await import("@/app/api/v1/tenants/[tenant]/audit-events/[event]/route");
const { GET: getStats } = await import("@/app/api/v1/tenants/[tenant]/audit-stats/route");

/** A tenant with two agent requests (one found by its order id, one held for approval) and the approval's decision, and tokens of three roles. */
async function apiTenant() {
  const ctx = await createTestTenant();
  const { db } = await getDatabase();
  const at = Date.now() - 60_000;
  const records = [
    auditRecord({ tenantId: ctx.tenant.id, occurredAt: new Date(at), action: "mcp.request", method: "tools/call", agentName: "support-bot", server: "payments", tool: "refund", arguments: { orderId: "ORD-55501" }, decision: "allowed", outcome: "ok", totalMs: 140, upstreamMs: 130, sealedPayload: "sealed:v1:opaque" }),
    auditRecord({ tenantId: ctx.tenant.id, occurredAt: new Date(at + 1000), action: "mcp.request", method: "tools/call", agentName: "support-bot", server: "payments", tool: "refund", arguments: { orderId: "ORD-55502" }, decision: "approval_required", outcome: "pending", approvalId: "apr_api1", totalMs: 4 }),
    auditRecord({ tenantId: ctx.tenant.id, occurredAt: new Date(at + 2000), action: "approval.denied", approvalId: "apr_api1", actorKind: "user", actorName: "Rico", decision: "none", outcome: "ok", totalMs: 0 }),
  ];
  for (const r of records) await appendAuditEvent(db, r);
  const token = async (role: "auditor" | "viewer" | "reviewer") => `Bearer ${(await createAdminToken(ctx, { name: `${role} bot`, role })).secret}`;
  return { ctx, ids: records.map((r) => r.id), auditor: await token("auditor"), viewer: await token("viewer") };
}

const base = (slug: string) => `http://127.0.0.1:3999/api/v1/tenants/${slug}`;
const call = (handler: typeof listEvents, url: string, authorization: string, params: Record<string, string>) =>
  handler(new Request(url, { headers: { authorization } }), { params: Promise.resolve(params) });

const eventCount = async (tenantId: string) => Number((await superuserQuery<{ n: string }>("select count(*) as n from audit_events where tenant_id = $1", [tenantId]))[0]!.n);

describe("audit search over the admin API", () => {
  it("searches by free text and the new filters, and returns the new fields without the sealed payload", async () => {
    const { ctx, ids, auditor } = await apiTenant();
    const slug = ctx.tenant.slug;
    const res = await call(listEvents, `${base(slug)}/audit-events?q=ORD-55501&minLatencyMs=100&kind=agent`, auditor, { tenant: slug });
    expect(res.status).toBe(200);
    const { events, nextCursor } = await res.json();
    expect(events.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(nextCursor).toBeNull();
    expect(events[0]).toMatchObject({ hasFullPayload: true, totalMs: 140, arguments: { orderId: "ORD-55501" }, redactions: null, result: null });
    expect(events[0]).not.toHaveProperty("sealedPayload");
    expect(events[0]).not.toHaveProperty("search");
    expect(JSON.stringify(events)).not.toContain("sealed:v1");
  });

  it("GET /audit-events/{event} gives the event, its chain position and its approval's events; 404 for another tenant's event", async () => {
    const { ctx, ids, auditor } = await apiTenant();
    const other = await apiTenant();
    const slug = ctx.tenant.slug;
    const res = await call(eventRoute.GET, `${base(slug)}/audit-events/${ids[1]}`, auditor, { tenant: slug, event: ids[1]! });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.event).toMatchObject({ id: ids[1], approvalId: "apr_api1", hasFullPayload: false });
    expect(body.chain).toMatchObject({ previousId: ids[0], nextId: ids[2] });
    // Creating the tokens came after, in the same chain.
    expect(body.chain.headSeq).toBeGreaterThan(body.chain.seq + 1);
    expect(body.chain.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.approvalEvents.map((e: { id: string }) => e.id)).toEqual([ids[1], ids[2]]);

    // Another tenant's event through this tenant's path, and this tenant's path with the other tenant's token.
    const foreign = await call(eventRoute.GET, `${base(slug)}/audit-events/${other.ids[0]}`, auditor, { tenant: slug, event: other.ids[0]! });
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe("not_found");
    const crossToken = await call(eventRoute.GET, `${base(slug)}/audit-events/${ids[0]}`, other.auditor, { tenant: slug, event: ids[0]! });
    expect(crossToken.status).toBe(404);
    expect((await call(eventRoute.GET, `${base(slug)}/audit-events/evt_nope`, auditor, { tenant: slug, event: "evt_nope" })).status).toBe(404);
    // Only GET here.
    const del = await eventRoute.DELETE(new Request(`${base(slug)}/audit-events/${ids[0]}`, { method: "DELETE", headers: { authorization: auditor } }), { params: Promise.resolve({ tenant: slug, event: ids[0]! }) });
    expect(del.status).toBe(405);
    expect(await eventCount(ctx.tenant.id)).toBeGreaterThanOrEqual(3);
  });

  it("GET /audit-stats charts agent requests over the range", async () => {
    const { ctx, auditor } = await apiTenant();
    const slug = ctx.tenant.slug;
    const res = await call(getStats, `${base(slug)}/audit-stats?tool=refund`, auditor, { tenant: slug });
    expect(res.status).toBe(200);
    const { stats } = await res.json();
    expect(stats.bucket).toEqual({ ms: 1_800_000, label: "30 minutes" });
    expect(stats.buckets.length).toBeGreaterThanOrEqual(48);
    expect(stats.totals).toEqual({ calls: 2, denials: 0, errors: 0, p50Ms: 4, p95Ms: 140 });
    expect(new Date(stats.to).getTime() - new Date(stats.from).getTime()).toBe(24 * 3_600_000);
  });

  it("refuses viewers (403), members of other tenants (404) and bad filters (422), and changes nothing", async () => {
    const { ctx, ids, viewer, auditor } = await apiTenant();
    const other = await apiTenant();
    const slug = ctx.tenant.slug;
    const before = await eventCount(ctx.tenant.id);
    for (const [handler, url, params] of [
      [listEvents, `${base(slug)}/audit-events`, { tenant: slug }],
      [eventRoute.GET, `${base(slug)}/audit-events/${ids[0]}`, { tenant: slug, event: ids[0]! }],
      [getStats, `${base(slug)}/audit-stats`, { tenant: slug }],
    ] as const) {
      const forbidden = await call(handler, url, viewer, params);
      expect(forbidden.status, url).toBe(403);
      expect((await forbidden.json()).error.code).toBe("forbidden");
      expect((await call(handler, url, other.auditor, params)).status, url).toBe(404);
    }
    for (const [handler, query, field] of [
      [listEvents, "decision=maybe", "decision"],
      [listEvents, "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"],
      [listEvents, "minLatencyMs=9&maxLatencyMs=3", "maxLatencyMs"],
      [listEvents, `q=${"x".repeat(201)}`, "q"],
      [listEvents, "cursor=garbage", "cursor"],
      [getStats, "from=yesterday", "from"],
      [getStats, "kind=robots", "kind"],
    ] as const) {
      const path = handler === getStats ? "audit-stats" : "audit-events";
      const res = await call(handler, `${base(slug)}/${path}?${query}`, auditor, { tenant: slug });
      expect(res.status, query).toBe(422);
      const { error } = await res.json();
      expect(error.code).toBe("validation_failed");
      expect(Object.keys(error.fields), query).toEqual([field]);
    }
    expect(await eventCount(ctx.tenant.id)).toBe(before);
  });

  it("is documented in the OpenAPI document", () => {
    const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[] }>> };
    const list = doc.paths["/tenants/{tenant}/audit-events"]!.get!;
    const names = list.parameters.filter((p) => p.in === "query").map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["q", "agent", "member", "server", "tool", "method", "action", "kind", "approval", "outcome", "decision", "severity", "minLatencyMs", "maxLatencyMs", "from", "to", "cursor", "limit"]));
    expect(doc.paths["/tenants/{tenant}/audit-events/{event}"]!.get!.operationId).toBe("getAuditEvent");
    const stats = doc.paths["/tenants/{tenant}/audit-stats"]!.get!;
    expect(stats.operationId).toBe("getAuditStats");
    expect(stats.parameters.filter((p) => p.in === "query").map((p) => p.name)).not.toContain("cursor");
  });
});
