import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createTestMember, createTestTenant, userIdOf, type TestMember } from "@/test/factories";
import { expectAppError } from "@/test/assertions";
import { approvalIdIn, approvalRow, auditOf, connect, createPolicyTenant, textOf, votesOf, type PolicyTenant } from "@/test/policy";
import { decideApproval } from "./decide";

// Who may decide an approval request, how often, and what racing reviewers
// end with. Requests are opened by real agent calls (the tenant's wait is 0,
// so each call returns at once with its approval id).

let pt: PolicyTenant;
let client: Client;
let reviewer: TestMember;
let reviewer2: TestMember;
let admin: TestMember;

beforeAll(async () => {
  pt = await createPolicyTenant({
    approvalWaitSeconds: 0,
    roles: {
      held: [
        { server: "fixture", pattern: "refund", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } },
        { server: "fixture", pattern: "query", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 2, ttlSeconds: 600 } },
        { server: "fixture", pattern: "echo", effect: "require_approval", approval: { approverRole: "admin", approvalsRequired: 1, ttlSeconds: 600 } },
      ],
    },
  });
  client = await connect(pt);
  [reviewer, reviewer2, admin] = [await createTestMember(pt.ctx, "reviewer"), await createTestMember(pt.ctx, "reviewer"), await createTestMember(pt.ctx, "admin")];
});

afterAll(async () => {
  await client?.close();
  await pt?.fixture.close();
});

let n = 0;
/** Opens a new request: a one-approval refund, a two-approval query, or an echo only admins may approve. */
async function request(kind: "one" | "two" | "admin"): Promise<string> {
  n += 1;
  const call = { one: { name: "fixture__refund", arguments: { amount: n } }, two: { name: "fixture__query", arguments: { table: `t${n}` } }, admin: { name: "fixture__echo", arguments: { n } } }[kind];
  return approvalIdIn(textOf(await client.callTool(call)));
}

const approve = { decision: "approve" as const, comment: "" };
const owner = () => pt.ctx; // the member who issued the agent's key

describe("decideApproval", () => {
  it("decides a request once: a second decision, by anyone, is a conflict and changes nothing", async () => {
    const id = await request("one");
    const decided = await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "ok" });
    expect(decided).toMatchObject({ id, status: "approved", comment: "ok" });
    await expectAppError(decideApproval(reviewer.ctx, id, approve), "conflict", `The approval request ${id} was already approved; a request is decided once.`);
    await expectAppError(decideApproval(reviewer2.ctx, id, { decision: "deny", comment: "no" }), "conflict", /already approved/);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "approved", comment: "ok" });
    expect(await votesOf(pt.tenantId, id)).toHaveLength(1);
  });

  it("refuses the key's issuer as the only approver of a one-approval rule, but lets them deny", async () => {
    const id = await request("one");
    await expectAppError(decideApproval(owner(), id, approve), "forbidden", /issued the agent key/);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending" });
    expect(await votesOf(pt.tenantId, id)).toHaveLength(0);
    expect(await decideApproval(owner(), id, { decision: "deny", comment: "mine, and no" })).toMatchObject({ status: "denied" });
  });

  it("lets the key's issuer be one of two approvers, first or second", async () => {
    const first = await request("two");
    expect(await decideApproval(owner(), first, approve)).toMatchObject({ status: "pending" });
    expect(await decideApproval(reviewer.ctx, first, approve)).toMatchObject({ status: "approved" });
    const second = await request("two");
    expect(await decideApproval(reviewer.ctx, second, approve)).toMatchObject({ status: "pending" });
    expect(await decideApproval(owner(), second, approve)).toMatchObject({ status: "approved" });
  });

  it("needs two different people for a two-approval rule; the first vote is audited as approval.voted", async () => {
    const id = await request("two");
    expect(await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "looks fine" })).toMatchObject({ status: "pending" });
    await expectAppError(decideApproval(reviewer.ctx, id, approve), "conflict", `You have already approved ${id}; it needs 2 different people.`);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending" });
    expect(await votesOf(pt.tenantId, id)).toHaveLength(1);
    expect(await decideApproval(reviewer2.ctx, id, { decision: "approve", comment: "agreed" })).toMatchObject({ status: "approved", comment: "looks fine / agreed" });
    const events = (await auditOf(pt.tenantId, id)).filter((e) => e.action !== "mcp.request");
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["approval.requested", null],
      ["approval.voted", userIdOf(reviewer.ctx)],
      ["approval.approved", userIdOf(reviewer2.ctx)],
    ]);
    expect(events[1]!.reason).toBe("approval 1 of 2");
  });

  it("counts one person once when they approve twice at the same moment", async () => {
    const id = await request("two");
    const results = await Promise.allSettled([decideApproval(reviewer.ctx, id, approve), decideApproval(reviewer.ctx, id, approve)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    await expectAppError(Promise.reject((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason), "conflict", /already approved/);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending" });
    expect(await votesOf(pt.tenantId, id)).toHaveLength(1);
  });

  it("refuses members below the rule's approver role", async () => {
    const id = await request("one");
    for (const role of ["viewer", "auditor"] as const) {
      const member = await createTestMember(pt.ctx, role);
      await expectAppError(decideApproval(member.ctx, id, approve), "forbidden");
    }
    const adminOnly = await request("admin");
    await expectAppError(decideApproval(reviewer.ctx, adminOnly, approve), "forbidden", /an admin or above; your role is reviewer/);
    expect(await votesOf(pt.tenantId, id)).toHaveLength(0);
    expect(await votesOf(pt.tenantId, adminOnly)).toHaveLength(0);
    expect(await decideApproval(admin.ctx, adminOnly, approve)).toMatchObject({ status: "approved" });
  });

  it("answers a member of another tenant with not found", async () => {
    const id = await request("one");
    const elsewhere = await createTestTenant();
    await expectAppError(decideApproval(elsewhere, id, approve), "not_found");
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending" });
  });

  it("ends an approve and a deny racing each other with exactly one decision", async () => {
    for (let round = 0; round < 5; round++) {
      const id = await request("one");
      const results = await Promise.allSettled([
        decideApproval(reviewer.ctx, id, { decision: "approve", comment: "yes" }),
        decideApproval(reviewer2.ctx, id, { decision: "deny", comment: "no" }),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected")!;
      await expectAppError(Promise.reject(lost.reason), "conflict", /a request is decided once/);
      const winner = won[0]!.value;
      expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: winner.status });
      const votes = await votesOf(pt.tenantId, id);
      expect(votes).toHaveLength(1);
      expect(votes[0]!.decision).toBe(winner.status === "approved" ? "approve" : "deny");
      const decisions = (await auditOf(pt.tenantId, id)).filter((e) => e.action === "approval.approved" || e.action === "approval.denied");
      expect(decisions).toHaveLength(1);
    }
  });
});
