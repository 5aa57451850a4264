import { afterEach, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { decideApproval } from "@/lib/approvals/decide";
import { sweepExpiredApprovals } from "@/lib/approvals/sweeper";
import { refreshCatalog } from "@/lib/registry/catalog";
import { getServer } from "@/lib/registry/servers";
import { createTestMember, type TestMember } from "@/test/factories";
import { expectAppError } from "@/test/assertions";
import {
  addAgent,
  addKey,
  approvalIdIn,
  approvalRow,
  approvalRows,
  auditOf,
  connect,
  createPolicyTenant,
  heldApproval,
  textOf,
  toolCallEvents,
  upstreamRuns,
  type PolicyTenant,
} from "@/test/policy";
import { superuserQuery } from "@/test/superuser";

// An approval is bound to the exact call: agent, key, tool definition and
// arguments. Anything else asks anew and does not run. And it expires.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Setup = { pt: PolicyTenant; client: Client; reviewer: TestMember };

async function setUp(approvalWaitSeconds = 1): Promise<Setup> {
  const pt = await createPolicyTenant({
    servers: ["payments"],
    approvalWaitSeconds,
    roles: { pay: [{ server: "payments", pattern: "refund", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } }] },
  });
  cleanups.push(() => pt.fixture.close());
  return { pt, client: await open(pt), reviewer: await createTestMember(pt.ctx, "reviewer") };
}

async function open(pt: PolicyTenant, key = pt.key): Promise<Client> {
  const client = await connect(pt, key);
  cleanups.push(() => client.close());
  return client;
}

const refund = (client: Client, args: Record<string, unknown>) => client.callTool({ name: "payments__refund", arguments: args }, undefined, { timeout: 60_000 });

/** Asks for approval of a refund (no decision in the wait) and has the reviewer approve it. */
async function approved({ pt, client, reviewer }: Setup, args: Record<string, unknown>): Promise<string> {
  const id = approvalIdIn(textOf(await refund(client, args)));
  await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "" });
  expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "approved" });
  return id;
}

const expireNow = (id: string) => superuserQuery("update approvals set expires_at = now() - interval '1 second' where id = $1", [id]);

describe("what an approval is bound to", () => {
  it("the arguments: the same call with other arguments asks anew and does not run; the original still runs", async () => {
    const s = await setUp();
    const id = await approved(s, { amount: 250, customer: "c-1" });
    // Canonical: the same arguments in another key order are the same call.
    const other = await refund(s.client, { amount: 2500, customer: "c-1" });
    const otherId = approvalIdIn(textOf(other));
    expect(otherId).not.toBe(id);
    expect(await approvalRow(s.pt.tenantId, otherId)).toMatchObject({ status: "pending" });
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "approved" });

    expect(textOf(await refund(s.client, { customer: "c-1", amount: 250 }))).toBe("refunded 250");
    expect(s.pt.fixture.record.calls.map((c) => c.arguments)).toEqual([{ customer: "c-1", amount: 250 }]);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "consumed" });
  });

  it("the tool definition: after the upstream changed the tool, the approved call is not run", async () => {
    const s = await setUp();
    const id = await approved(s, { amount: 300 });
    const server = await getServer(s.pt.ctx, "payments");
    s.pt.tools.find((t) => t.definition.name === "refund")!.definition.description = "Refunds an amount, and closes the account";
    await refreshCatalog(s.pt.tenantId, server.id);

    const after = await refund(s.client, { amount: 300 });
    expect(after.isError).toBe(true);
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
    const fresh = approvalIdIn(textOf(after));
    expect(fresh).not.toBe(id);
    const [old, now] = [await approvalRow(s.pt.tenantId, id), await approvalRow(s.pt.tenantId, fresh)];
    expect(now.status).toBe("pending");
    expect(now.toolHash).not.toBe(old.toolHash);
    expect(old.status).not.toBe("consumed");
  });

  it("the tool definition: a tool that changes while the call is held is not run when approved", async () => {
    const s = await setUp(30);
    const call = refund(s.client, { amount: 400 });
    const held = await heldApproval(s.pt.tenantId);
    const server = await getServer(s.pt.ctx, "payments");
    s.pt.tools.find((t) => t.definition.name === "refund")!.definition.description = "Refunds twice";
    await refreshCatalog(s.pt.tenantId, server.id);
    await decideApproval(s.reviewer.ctx, held.id, { decision: "approve", comment: "" });
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `The tool payments__refund changed after approval ${held.id} was given, so it was not run. Call again to ask for approval of the tool as it is now.`,
    );
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
    expect(await approvalRow(s.pt.tenantId, held.id)).toMatchObject({ status: "approved" });
    expect((await toolCallEvents(s.pt.tenantId)).at(-1)).toMatchObject({ decision: "denied", outcome: "denied", approvalId: held.id });
  });

  it("the agent and the key: another agent, or another key of the same agent, asks anew and does not run", async () => {
    const s = await setUp();
    const id = await approved(s, { amount: 500 });

    const secondKey = await open(s.pt, await addKey(s.pt.ctx, s.pt.agentId));
    const byKey = approvalIdIn(textOf(await refund(secondKey, { amount: 500 })));
    const otherAgent = await open(s.pt, (await addAgent(s.pt.ctx, ["pay"])).key);
    const byAgent = approvalIdIn(textOf(await refund(otherAgent, { amount: 500 })));

    expect(new Set([id, byKey, byAgent]).size).toBe(3);
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
    expect((await approvalRows(s.pt.tenantId)).map((a) => a.status)).toEqual(["approved", "pending", "pending"]);
    expect(textOf(await refund(s.client, { amount: 500 }))).toBe("refunded 500");
  });
});

describe("expiry", () => {
  it("a retry after the request expired says so and asks anew; deciding the expired one is a conflict", async () => {
    const s = await setUp();
    const id = approvalIdIn(textOf(await refund(s.client, { amount: 700 })));
    await expireNow(id);
    const retry = await refund(s.client, { amount: 700 });
    const fresh = approvalIdIn(textOf(retry));
    expect(fresh).not.toBe(id);
    expect(textOf(retry)).toContain(`An earlier request for this call, ${id}, expired.`);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "expired" });
    await expectAppError(decideApproval(s.reviewer.ctx, id, { decision: "approve", comment: "" }), "conflict", /has expired/);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "expired", decidedAt: null });
    expect((await auditOf(s.pt.tenantId, id)).map((e) => e.action)).toEqual(["approval.requested", "mcp.request", "approval.expired"]);
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
  });

  it("an approved request that expired before its retry does not run", async () => {
    const s = await setUp();
    const id = await approved(s, { amount: 800 });
    await expireNow(id);
    const retry = await refund(s.client, { amount: 800 });
    expect(retry.isError).toBe(true);
    expect(textOf(retry)).toContain(`${id}, expired.`);
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "expired" });
  });

  it("deciding a pending request past its expiry is a conflict and closes it as expired", async () => {
    const s = await setUp();
    const id = approvalIdIn(textOf(await refund(s.client, { amount: 900 })));
    await expireNow(id);
    await expectAppError(decideApproval(s.reviewer.ctx, id, { decision: "approve", comment: "" }), "conflict", `The approval request ${id} has expired; the agent must call again to ask anew.`);
    expect(await approvalRow(s.pt.tenantId, id)).toMatchObject({ status: "expired" });
    expect((await auditOf(s.pt.tenantId, id)).filter((e) => e.action === "approval.expired")).toHaveLength(1);
  });

  it("the sweeper closes expired requests with their audit event, and wakes a call held on one", async () => {
    const s = await setUp(30);
    const call = refund(s.client, { amount: 950 });
    const held = await heldApproval(s.pt.tenantId);
    await expireNow(held.id);
    expect(await sweepExpiredApprovals()).toBeGreaterThanOrEqual(1);
    const result = await call;
    expect(textOf(result)).toBe(`The approval request ${held.id} expired before anyone decided. Call again with the same arguments to ask anew.`);
    expect(await approvalRow(s.pt.tenantId, held.id)).toMatchObject({ status: "expired" });
    const expired = (await auditOf(s.pt.tenantId, held.id)).filter((e) => e.action === "approval.expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]!.reason).toBe("no decision before the request expired");
    expect((await toolCallEvents(s.pt.tenantId)).at(-1)).toMatchObject({ outcome: "pending", approvalId: held.id });
    expect(upstreamRuns(s.pt.fixture, "refund")).toBe(0);
  });
});
