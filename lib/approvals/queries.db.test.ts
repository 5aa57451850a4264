import { afterEach, describe, expect, it } from "vitest";
import { listApprovals } from "@/lib/approvals/queries";
import { createTestMember } from "@/test/factories";
import { connect, createPolicyTenant, heldApproval } from "@/test/policy";

// The inbox lists pending requests with the agent's latest calls of the same
// session before each request, read for the whole page in one query.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("listApprovals with recent calls", () => {
  it("gives each request the last N calls of its session before it, oldest first, and how many there were", async () => {
    const pt = await createPolicyTenant({
      approvalWaitSeconds: 0,
      roles: {
        ops: [
          { server: "fixture", pattern: "add", effect: "allow" },
          { server: "fixture", pattern: "delete_*", effect: "allow" },
          { server: "fixture", pattern: "delete_*", effect: "deny", condition: "args.size() >= 0" },
          { server: "fixture", pattern: "echo", effect: "require_approval" },
        ],
      },
    });
    cleanups.push(() => pt.fixture.close());
    const client = await connect(pt);
    cleanups.push(() => client.close());
    await client.callTool({ name: "fixture__add", arguments: { a: 1, b: 2 } });
    await client.callTool({ name: "fixture__delete_everything", arguments: {} });
    await client.callTool({ name: "fixture__add", arguments: { a: 3, b: 4 } });
    await client.callTool({ name: "fixture__echo", arguments: { message: "first" } });
    const first = await heldApproval(pt.tenantId);
    await client.callTool({ name: "fixture__echo", arguments: { message: "second" } });

    const reviewer = await createTestMember(pt.ctx, "reviewer");
    const listed = await listApprovals(reviewer.ctx, { status: "pending", recentCalls: 2 });
    const byMessage = new Map(listed.map((a) => [(a.arguments as { message: string }).message, a.recent]));
    const shape = (r: (typeof listed)[number]["recent"]) => ({ total: r?.total, calls: r?.calls.map((c) => `${c.name}:${c.decision}`) });

    expect(shape(byMessage.get("first"))).toEqual({ total: 3, calls: ["fixture__delete_everything:deny", "fixture__add:allow"] });
    // The held call itself counts for the next one.
    expect(shape(byMessage.get("second"))).toEqual({ total: 4, calls: ["fixture__add:allow", "fixture__echo:require_approval"] });
    expect(first.id).toBe(listed.find((a) => (a.arguments as { message: string }).message === "first")!.id);

    const without = await listApprovals(reviewer.ctx, { status: "pending" });
    expect(without.every((a) => a.recent === undefined)).toBe(true);
  });
});
