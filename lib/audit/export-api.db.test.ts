import { afterEach, describe, expect, it, vi } from "vitest";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import type { TenantContext } from "@/lib/tenancy/context";
import { recordTestCalls } from "@/test/audit";
import { createTestMember, createTestTenant, userIdOf } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";

// The export's route modules called as Next.js calls them: the admin API with
// admin tokens, the console route with a session. next-auth (the console's
// cookie session, not our code) cannot load outside Next.js, so it is faked:
// `signedIn.userId` is whoever the cookie would name (null: nobody).
const signedIn = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", () => ({
  default: () => ({
    handlers: {},
    auth: async () => (signedIn.userId ? { user: { id: signedIn.userId }, authTime: Date.now() } : null),
    signIn: async () => undefined,
    signOut: async () => undefined,
  }),
  CredentialsSignin: class extends Error {},
  AuthError: class extends Error {},
}));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

afterEach(() => {
  signedIn.userId = null;
});

const { GET: apiExport, POST: apiPost } = await import("@/app/api/v1/tenants/[tenant]/audit-events/export/route");
const { GET: consoleExport } = await import("@/app/(console)/[tenant]/audit/export/route");

const apiGet = (slug: string, query: string, secret?: string) =>
  apiExport(new Request(`http://127.0.0.1:3999/api/v1/tenants/${slug}/audit-events/export?${query}`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} }), {
    params: Promise.resolve({ tenant: slug }),
  });

const consoleGet = (slug: string, query: string) =>
  consoleExport(new Request(`http://127.0.0.1:3999/${slug}/audit/export?${query}`), { params: Promise.resolve({ tenant: slug }) });

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const exportsOf = async (ctx: TenantContext) =>
  (await superuserQuery("select id from audit_events where tenant_id = $1 and action = 'audit.exported'", [ctx.tenant.id])).length;

describe("GET /api/v1/tenants/{tenant}/audit-events/export", () => {
  it("streams an auditor's export as JSON Lines or CSV, named for download", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 7);
    const { secret } = await createAdminToken(ctx, { name: "archiver", role: "auditor" });

    const jsonl = await apiGet(ctx.tenant.slug, "format=jsonl&tool=refund", secret);
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(jsonl.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="gatehouse-audit-${ctx.tenant.slug}-\\d{8}T\\d{6}Z\\.jsonl"$`));
    expect(jsonl.headers.get("cache-control")).toBe("no-store");
    const events = lines(await jsonl.text());
    expect(events).toHaveLength(7);
    expect(events.every((e) => e.tool === "refund" && typeof e.hash === "string" && typeof e.seq === "number")).toBe(true);

    const csv = await apiGet(ctx.tenant.slug, "format=csv&tool=refund", secret);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = (await csv.text()).split("\r\n").filter(Boolean);
    expect(rows[0]).toMatch(/^id,tenantId,seq,occurredAt,action,/);
    expect(rows).toHaveLength(1 + 7);
    expect(await exportsOf(ctx)).toBe(2);
  });

  it("refuses a viewer (403), another tenant's token (404), no token (401), a bad format or filter (422), and other methods", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 1);
    const other = await createTestTenant();
    const { secret: viewer } = await createAdminToken(ctx, { name: "looker", role: "viewer" });
    const { secret: auditor } = await createAdminToken(ctx, { name: "archiver", role: "auditor" });
    const { secret: theirs } = await createAdminToken(other, { name: "theirs", role: "admin" });

    expect((await apiGet(ctx.tenant.slug, "format=jsonl", viewer)).status).toBe(403);
    const notFound = await apiGet(ctx.tenant.slug, "format=jsonl", theirs);
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).error.code).toBe("not_found");
    expect((await apiGet(ctx.tenant.slug, "format=jsonl")).status).toBe(401);
    const badFormat = await apiGet(ctx.tenant.slug, "format=xml", auditor);
    expect(badFormat.status).toBe(422);
    expect((await badFormat.json()).error.fields).toEqual({ format: ["Format is one of: jsonl, csv."] });
    const noFormat = await apiGet(ctx.tenant.slug, "tool=refund", auditor);
    expect(noFormat.status).toBe(422);
    const badFilter = await apiGet(ctx.tenant.slug, "format=csv&from=yesterday", auditor);
    expect(badFilter.status).toBe(422);
    expect(Object.keys((await badFilter.json()).error.fields)).toEqual(["from"]);
    const post = await apiPost(new Request(`http://127.0.0.1:3999/api/v1/tenants/${ctx.tenant.slug}/audit-events/export`, { method: "POST" }), { params: Promise.resolve({ tenant: ctx.tenant.slug }) });
    expect(post.status).toBe(405);
    // Nothing refused was recorded as an export.
    expect(await exportsOf(ctx)).toBe(0);
  });

  it("is in the OpenAPI document with its two media types and the search's filters", () => {
    const op = (buildOpenApiDocument().paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }>; parameters: { name: string; required: boolean }[] }>>)[
      "/tenants/{tenant}/audit-events/export"
    ]!.get!;
    expect(Object.keys(op.responses["200"]!.content!)).toEqual(["application/x-ndjson", "text/csv"]);
    const params = op.parameters.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(["tenant", "format", "q", "agent", "tool", "from", "to"]));
    expect(params).not.toContain("cursor");
    expect(op.parameters.find((p) => p.name === "format")!.required).toBe(true);
  });
});

describe("GET /{tenant}/audit/export (console)", () => {
  it("streams a signed-in auditor's export with the page's filters, and refuses a viewer with 403", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 4);
    const auditor = await createTestMember(ctx, "auditor");
    const viewer = await createTestMember(ctx, "viewer");

    signedIn.userId = userIdOf(auditor.ctx);
    // The filter form's datetime-local values, read as UTC as the page reads them.
    const res = await consoleGet(ctx.tenant.slug, "format=jsonl&action=mcp.request&from=2020-01-01T00:00&to=2099-12-31T23:59");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="gatehouse-audit-.+\.jsonl"$/);
    expect(lines(await res.text()).map((e) => e.action)).toEqual(["mcp.request", "mcp.request", "mcp.request", "mcp.request"]);
    const [recorded] = await superuserQuery<{ actor_id: string; arguments: { filters: Record<string, string> } }>(
      "select actor_id, arguments from audit_events where tenant_id = $1 and action = 'audit.exported'",
      [ctx.tenant.id],
    );
    expect(recorded).toMatchObject({ actor_id: userIdOf(auditor.ctx), arguments: { filters: { from: "2020-01-01T00:00:00.000Z", to: "2099-12-31T23:59:59.999Z" } } });

    signedIn.userId = userIdOf(viewer.ctx);
    const refused = await consoleGet(ctx.tenant.slug, "format=csv");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/does not allow this: export the audit log/);

    signedIn.userId = userIdOf(auditor.ctx);
    const bad = await consoleGet(ctx.tenant.slug, "format=pdf");
    expect(bad.status).toBe(422);
  });

  it("gives a member of another tenant the 404 page and a signed-out visitor the sign-in page", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 1);
    const outsider = await createTestTenant();
    signedIn.userId = userIdOf(outsider);
    await expect(consoleGet(ctx.tenant.slug, "format=jsonl")).rejects.toMatchObject({ digest: expect.stringMatching(/404/) });
    signedIn.userId = null;
    await expect(consoleGet(ctx.tenant.slug, "format=jsonl")).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;.*\/sign-in/) });
    expect(await exportsOf(ctx)).toBe(0);
  });
});
