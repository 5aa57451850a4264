import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitationCompleteNotificationSchema, ElicitRequestSchema, type ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { decideApproval } from "@/lib/approvals/decide";
import { createTestMember } from "@/test/factories";
import { endpointUrl, gatewayFetch } from "@/test/gateway";
import { createPolicyTenant, heldApproval, textOf, type PolicyTenant } from "@/test/policy";

// A client that can open URLs for its user (URL-mode elicitation, 2025-11-25)
// is handed the approval page while its call is held, and told when it is done.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectWith(pt: PolicyTenant, capabilities: ConstructorParameters<typeof Client>[1]): Promise<Client> {
  const client = new Client({ name: "elicit-agent", version: "1.0.0" }, capabilities);
  await client.connect(
    new StreamableHTTPClientTransport(endpointUrl(pt.slug), { fetch: gatewayFetch, requestInit: { headers: { authorization: `Bearer ${pt.key}` } } }),
  );
  cleanups.push(() => client.close());
  return client;
}

async function heldTenant(): Promise<PolicyTenant> {
  const pt = await createPolicyTenant({
    approvalWaitSeconds: 30,
    roles: { ops: [{ server: "fixture", pattern: "echo", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } }] },
  });
  cleanups.push(() => pt.fixture.close());
  return pt;
}

describe("a held call and URL-mode elicitation", () => {
  it("offers the approval page to a client that supports it, and says when the elicitation is complete", async () => {
    const pt = await heldTenant();
    const client = await connectWith(pt, { capabilities: { elicitation: { url: {} } } });
    const asked: ElicitRequest["params"][] = [];
    const completed: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params);
      return { action: "accept" };
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => void completed.push(n.params.elicitationId));

    const call = client.callTool({ name: "fixture__echo", arguments: { message: "ship it" } }, undefined, { timeout: 60_000 });
    const held = await heldApproval(pt.tenantId);
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatchObject({
      mode: "url",
      url: `http://127.0.0.1:3999/${pt.slug}/approvals/${held.id}`,
      elicitationId: expect.stringMatching(new RegExp(`^${held.id}:`)),
    });

    const reviewer = await createTestMember(pt.ctx, "reviewer");
    await decideApproval(reviewer.ctx, held.id, { decision: "approve", comment: "" });
    expect(textOf(await call)).toBe('{"message":"ship it"}');
    expect(completed).toEqual([(asked[0] as { elicitationId: string }).elicitationId]);
  });

  it("does not elicit from a client that only supports form mode", async () => {
    const pt = await heldTenant();
    const client = await connectWith(pt, { capabilities: { elicitation: { form: {} } } });
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked += 1;
      return { action: "decline" };
    });
    const call = client.callTool({ name: "fixture__echo", arguments: { message: "quiet" } }, undefined, { timeout: 60_000 });
    const held = await heldApproval(pt.tenantId);
    const reviewer = await createTestMember(pt.ctx, "reviewer");
    await decideApproval(reviewer.ctx, held.id, { decision: "deny", comment: "not today" });
    expect(textOf(await call)).toContain("not today");
    expect(asked).toBe(0);
  });
});
