import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { POST as decisionRoute } from "@/app/api/v1/tenants/[tenant]/approvals/[approval]/decision/route";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { createTestMember, userIdOf, type TestMember } from "@/test/factories";
import { approvalIdIn, approvalRow, connect, createPolicyTenant, textOf, votesOf, type PolicyTenant } from "@/test/policy";

// The admin API's decision route, called as Next.js calls it (the route module's
// POST with a Request). next-auth, the console's cookie session, is outside our
// code and cannot load outside Next.js (it imports "next/server" without an
// extension); no request here carries a cookie, so it is faked as "nobody signed in".
vi.mock("next-auth", () => ({
  default: () => ({ handlers: {}, auth: async () => null, signIn: async () => undefined, signOut: async () => undefined }),
  CredentialsSignin: class extends Error {},
  AuthError: class extends Error {},
}));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

let pt: PolicyTenant;
let client: Client;
let admin: TestMember;

beforeAll(async () => {
  pt = await createPolicyTenant({
    approvalWaitSeconds: 0,
    roles: { held: [{ server: "fixture", pattern: "refund", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } }] },
  });
  client = await connect(pt);
  admin = await createTestMember(pt.ctx, "admin");
});

afterAll(async () => {
  await client?.close();
  await pt?.fixture.close();
});

let n = 0;
const request = async () => approvalIdIn(textOf(await client.callTool({ name: "fixture__refund", arguments: { amount: ++n } })));

const post = (id: string, authorization: string) =>
  decisionRoute(
    new Request(`http://127.0.0.1:3999/api/v1/tenants/${pt.slug}/approvals/${id}/decision`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ decision: "approve", comment: "approving myself" }),
    }),
    { params: Promise.resolve({ tenant: pt.slug, approval: id }) },
  );

describe("POST /api/v1/tenants/{tenant}/approvals/{id}/decision", () => {
  it("refuses an agent key with 401 and leaves the request as it was", async () => {
    const id = await request();
    const res = await post(id, `Bearer ${pt.key}`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending", decidedAt: null, comment: null });
    expect(await votesOf(pt.tenantId, id)).toHaveLength(0);
  });

  it("accepts a reviewer's admin token on the same route (the contrast that makes the 401 mean something)", async () => {
    const id = await request();
    const { secret } = await createAdminToken(admin.ctx, { name: "reviewing bot", role: "reviewer" });
    const res = await post(id, `Bearer ${secret}`);
    expect(res.status).toBe(200);
    expect((await res.json()).approval).toMatchObject({ id, status: "approved" });
    expect((await votesOf(pt.tenantId, id)).map((v) => v.userId)).toEqual([userIdOf(admin.ctx)]);
  });
});
