import { describe, expect, it, vi } from "vitest";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { recordAgentRequest } from "./events";

// The route modules called as Next.js calls them. next-auth (the console's cookie session, not our code) cannot load
// outside Next.js; no request here carries a cookie, so it is faked as "nobody signed in".
vi.mock("next-auth", () => ({
  default: () => ({ handlers: {}, auth: async () => null, signIn: async () => undefined, signOut: async () => undefined }),
  CredentialsSignin: class extends Error {},
  AuthError: class extends Error {},
}));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

const { POST: verify } = await import("@/app/api/v1/tenants/[tenant]/audit-events/verify/route");
const { GET: listCheckpoints, POST: createCheckpoint } = await import("@/app/api/v1/tenants/[tenant]/audit-checkpoints/route");

describe("audit verification over the admin API", () => {
  it("verifies without a body, signs and lists checkpoints, and holds the chain against an exported one", async () => {
    const ctx = await createTestTenant();
    await recordAgentRequest({ tenantId: ctx.tenant.id, agentId: null, agentName: null, keyPrefix: null, sessionId: null, method: "tools/call", decision: "allowed", outcome: "ok", totalMs: 1 });
    const { secret } = await createAdminToken(ctx, { name: "ci", role: "auditor" });
    // Creating the tenant and the token are events of their own.
    const [head] = await superuserQuery<{ seq: string }>("select seq from audit_chain_heads where tenant_id = $1", [ctx.tenant.id]);
    const events = Number(head!.seq);
    const url = (path: string) => `http://127.0.0.1:3999/api/v1/tenants/${ctx.tenant.slug}/${path}`;
    const headers = { authorization: `Bearer ${secret}` };
    const params = { params: Promise.resolve({ tenant: ctx.tenant.slug }) };

    const plain = await verify(new Request(url("audit-events/verify"), { method: "POST", headers }), params);
    expect(plain.status).toBe(200);
    expect((await plain.json()).report).toMatchObject({ ok: true, checked: events });

    // Auditors hold audit.export: they may sign a checkpoint before exporting.
    const created = await createCheckpoint(new Request(url("audit-checkpoints"), { method: "POST", headers }), params);
    expect(created.status).toBe(201);
    const { checkpoint } = await created.json();
    const listed = await (await listCheckpoints(new Request(url("audit-checkpoints"), { headers }), params)).json();
    expect(listed.checkpoints).toEqual([checkpoint]);

    const withExported = await verify(
      new Request(url("audit-events/verify"), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ checkpoint }) }),
      params,
    );
    expect((await withExported.json()).report).toMatchObject({ ok: true, checkpoints: 2 });
    const forged = await verify(
      new Request(url("audit-events/verify"), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ checkpoint: { ...checkpoint, seq: 2 } }) }),
      params,
    );
    expect((await forged.json()).report.brokenAt.problem).toMatch(/does not bear a valid signature/);
    const bad = await verify(
      new Request(url("audit-events/verify"), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ checkpoint: { hash: "nope" } }) }),
      params,
    );
    expect(bad.status).toBe(422);
  });
});
