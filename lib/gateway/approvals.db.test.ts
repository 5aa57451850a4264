import { afterEach, describe, expect, it, vi } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { decideApproval } from "@/lib/approvals/decide";
import { canonicalHash } from "@/lib/canonical-json";
import { listCatalog } from "@/lib/registry/catalog";
import { updateTenant } from "@/lib/tenancy/tenants";
import { createTestMember, userIdOf, type TestMember } from "@/test/factories";
import {
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

// A tools/call held for approval, through the real SDK client: decided while it
// waits, not decided in time, repeated, used once. Reviewers decide with the
// lib function the console and the admin API call.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Setup = { pt: PolicyTenant; client: Client; reviewer: TestMember };

async function setUp(approvalWaitSeconds: number): Promise<Setup> {
  const pt = await createPolicyTenant({
    approvalWaitSeconds,
    roles: { ops: [{ server: "fixture", pattern: "echo", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } }] },
  });
  cleanups.push(() => pt.fixture.close());
  const client = await connect(pt);
  cleanups.push(() => client.close());
  return { pt, client, reviewer: await createTestMember(pt.ctx, "reviewer") };
}

const echo = (client: Client, message: string, options: { onprogress?: (p: Progress) => void; signal?: AbortSignal } = {}) =>
  client.callTool({ name: "fixture__echo", arguments: { message } }, undefined, { timeout: 120_000, ...options });

describe("a call held for approval", () => {
  it("runs when approved while it waits, reporting progress meanwhile; the audit tells the whole story", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const progress: Progress[] = [];
    const call = echo(client, "deploy", { onprogress: (p) => progress.push(p) });

    const held = await heldApproval(pt.tenantId);
    const [echoTool] = (await listCatalog(pt.ctx, "fixture")).filter((t) => t.name === "echo");
    expect(held).toMatchObject({
      status: "pending",
      agentId: pt.agentId,
      keyCreatedBy: userIdOf(pt.ctx),
      server: "fixture",
      tool: "echo",
      exposedName: "fixture__echo",
      toolHash: echoTool!.hash,
      argumentsHash: canonicalHash({ message: "deploy" }),
      arguments: { message: "deploy" },
      approverRole: "reviewer",
      approvalsRequired: 1,
      rule: { role: "ops", position: 1, condition: null },
    });
    expect(held.sessionId).toMatch(/^ses_/);
    expect(held.expiresAt.getTime() - held.createdAt.getTime()).toBe(600_000);

    // One notification at once, the next 5 s later.
    await vi.waitFor(() => expect(progress.length).toBeGreaterThanOrEqual(2), { timeout: 8_000, interval: 100 });
    for (const p of progress) expect(p.message).toContain(held.id);
    expect(progress[1]!.progress).toBeGreaterThan(progress[0]!.progress);
    expect(upstreamRuns(pt.fixture, "echo")).toBe(0);

    await decideApproval(reviewer.ctx, held.id, { decision: "approve", comment: "ship it" });
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('{"message":"deploy"}');
    expect(upstreamRuns(pt.fixture, "echo")).toBe(1);
    expect(await approvalRow(pt.tenantId, held.id)).toMatchObject({ status: "consumed", comment: "ship it" });

    const events = await auditOf(pt.tenantId, held.id);
    expect(events.map((e) => e.action)).toEqual(["approval.requested", "approval.approved", "approval.consumed", "mcp.request"]);
    expect(events[1]).toMatchObject({ actorId: userIdOf(reviewer.ctx), actorName: reviewer.user.name, comment: "ship it", decision: "allowed" });
    expect(events[3]).toMatchObject({ method: "tools/call", tool: "echo", decision: "allowed", outcome: "ok", rule: "ops#1", approvalId: held.id });
    expect(events[3]!.reason).toBe(`approved (${held.id}): ship it`);
  });

  it("returns the reviewer's comment as a tool error when denied while it waits", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const call = echo(client, "drop the table");
    const held = await heldApproval(pt.tenantId);
    await decideApproval(reviewer.ctx, held.id, { decision: "deny", comment: "not during the freeze" });
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`A reviewer denied this call (approval ${held.id}), commenting: "not during the freeze". Do not repeat it as it is.`);
    expect(upstreamRuns(pt.fixture, "echo")).toBe(0);
    const events = await auditOf(pt.tenantId, held.id);
    expect(events.map((e) => e.action)).toEqual(["approval.requested", "approval.denied", "mcp.request"]);
    expect(events[1]).toMatchObject({ actorName: reviewer.user.name, comment: "not during the freeze", decision: "denied" });
    expect(events[2]).toMatchObject({ decision: "denied", outcome: "denied", approvalId: held.id, rule: "ops#1" });
  });

  it("without a decision in time: names the approval and its console page; a repeat waits on the same request; once approved it runs exactly once", async () => {
    const { pt, client, reviewer } = await setUp(1);
    const started = Date.now();
    const first = await echo(client, "rotate keys");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(first.isError).toBe(true);
    const id = approvalIdIn(textOf(first));
    expect(textOf(first)).toContain(`http://127.0.0.1:3999/${pt.slug}/approvals/${id}`);
    expect(textOf(first)).toMatch(/Repeat the same call with the same arguments later/);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending" });
    expect((await toolCallEvents(pt.tenantId)).at(-1)).toMatchObject({ decision: "approval_required", outcome: "pending", approvalId: id, rule: "ops#1" });

    const again = await echo(client, "rotate keys");
    expect(approvalIdIn(textOf(again))).toBe(id);
    expect(await approvalRows(pt.tenantId)).toHaveLength(1);
    expect((await auditOf(pt.tenantId, id)).filter((e) => e.action === "approval.requested")).toHaveLength(1);

    await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "" });
    const ran = await echo(client, "rotate keys");
    expect(textOf(ran)).toBe('{"message":"rotate keys"}');
    expect(upstreamRuns(pt.fixture, "echo")).toBe(1);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "consumed" });
    expect((await toolCallEvents(pt.tenantId)).at(-1)).toMatchObject({ decision: "allowed", outcome: "ok", approvalId: id });

    // Single use: the same call again is a new request, and does not run.
    const third = await echo(client, "rotate keys");
    expect(third.isError).toBe(true);
    const next = approvalIdIn(textOf(third));
    expect(next).not.toBe(id);
    expect(await approvalRow(pt.tenantId, next)).toMatchObject({ status: "pending" });
    expect(upstreamRuns(pt.fixture, "echo")).toBe(1);
    expect((await auditOf(pt.tenantId, id)).map((e) => e.action)).toEqual([
      "approval.requested",
      "mcp.request",
      "mcp.request",
      "approval.approved",
      "approval.consumed",
      "mcp.request",
    ]);
  });

  it("two identical calls held at once share one request, and the approval runs only one of them", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const other = await connect(pt);
    cleanups.push(() => other.close());
    const waiting = [0, 0];
    const calls = [client, other].map((c, i) => echo(c, "twice", { onprogress: () => void (waiting[i]! += 1) }));
    // Both are held (the second found the first's request) before anyone decides.
    await vi.waitFor(() => expect(waiting.every((n) => n > 0)).toBe(true), { timeout: 5_000 });
    const held = await heldApproval(pt.tenantId);
    expect(await approvalRows(pt.tenantId)).toHaveLength(1);
    await decideApproval(reviewer.ctx, held.id, { decision: "approve", comment: "" });
    const results = await Promise.all(calls);
    expect(results.filter((r) => !r.isError)).toHaveLength(1);
    const loser = results.find((r) => r.isError)!;
    expect(textOf(loser)).toContain(held.id);
    expect(upstreamRuns(pt.fixture, "echo")).toBe(1);
    expect(await approvalRows(pt.tenantId)).toHaveLength(1);
  });

  it("runs an approved call once when the agent repeats it twice at the same moment", async () => {
    const { pt, client, reviewer } = await setUp(1);
    const id = approvalIdIn(textOf(await echo(client, "pay once")));
    await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "" });
    const second = await connect(pt);
    cleanups.push(() => second.close());
    const results = await Promise.all([echo(client, "pay once"), echo(second, "pay once")]);
    const ran = results.filter((r) => !r.isError);
    expect(ran.map((r) => textOf(r))).toEqual(['{"message":"pay once"}']);
    // The other either saw the approval already used, or came after and asked anew: never a second run.
    const other = textOf(results.find((r) => r.isError)!);
    if (other.includes(id)) expect(other).toBe(`The approval ${id} was used by another identical call; an approval runs one call. Call again to ask anew.`);
    else expect(other).toMatch(/^This call needs approval and is waiting for a reviewer: approval apr_/);
    expect(upstreamRuns(pt.fixture, "echo")).toBe(1);
    expect((await auditOf(pt.tenantId, id)).filter((e) => e.action === "approval.consumed")).toHaveLength(1);
  });

  // The agent's retry comes after the tenant's wait was shortened, so a retry that is
  // not honoured answers at once (with a new request) instead of holding for 30 s.
  it("honours a decision made after the agent stopped waiting (cancelled), on the agent's retry", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const controller = new AbortController();
    const call = echo(client, "after hours", { signal: controller.signal }).catch((e: Error) => e);
    const held = await heldApproval(pt.tenantId);
    controller.abort("going away");
    expect(await call).toBeInstanceOf(Error);
    await updateTenant(pt.ctx, { approvalWaitSeconds: 1 });
    await new Promise((r) => setTimeout(r, 300));

    await decideApproval(reviewer.ctx, held.id, { decision: "approve", comment: "fine" });
    await new Promise((r) => setTimeout(r, 300));
    const runsBeforeRetry = upstreamRuns(pt.fixture, "echo");
    const retry = await echo(client, "after hours");
    expect({ retry: textOf(retry), runsBeforeRetry, runsAfterRetry: upstreamRuns(pt.fixture, "echo") }).toEqual({
      retry: '{"message":"after hours"}',
      runsBeforeRetry: 0,
      runsAfterRetry: 1,
    });
    expect(await approvalRow(pt.tenantId, held.id)).toMatchObject({ status: "consumed" });
    const dropped = (await toolCallEvents(pt.tenantId)).filter((e) => e.approvalId === held.id);
    expect(dropped.map((e) => e.decision)).toEqual(["approval_required", "allowed"]);
    expect(dropped[0]!.reason).toMatch(/the agent stopped waiting for apr_/);
  });

  it("tells an agent that missed a denial on its retry, without asking reviewers again", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const controller = new AbortController();
    const call = echo(client, "drop tables", { signal: controller.signal }).catch((e: Error) => e);
    const held = await heldApproval(pt.tenantId);
    controller.abort();
    await call;
    await decideApproval(reviewer.ctx, held.id, { decision: "deny", comment: "not in production" });

    const retry = await echo(client, "drop tables");
    expect(retry.isError).toBe(true);
    expect(textOf(retry)).toBe(`A reviewer denied this call (approval ${held.id}), commenting: "not in production". Do not repeat it as it is.`);
    expect((await approvalRows(pt.tenantId)).map((a) => a.id)).toEqual([held.id]);
    expect(upstreamRuns(pt.fixture, "echo")).toBe(0);
  });

  it("honours a decision made after the agent disconnected, on its retry from a new session", async () => {
    const { pt, client, reviewer } = await setUp(30);
    const call = echo(client, "offline").catch((e: Error) => e);
    const held = await heldApproval(pt.tenantId);
    await client.close();
    await call;
    await updateTenant(pt.ctx, { approvalWaitSeconds: 1 });
    await new Promise((r) => setTimeout(r, 300));

    await decideApproval(reviewer.ctx, held.id, { decision: "approve", comment: "" });
    await new Promise((r) => setTimeout(r, 300));
    const runsBeforeRetry = upstreamRuns(pt.fixture, "echo");
    const again = await connect(pt);
    cleanups.push(() => again.close());
    const retry = await echo(again, "offline");
    expect({ retry: textOf(retry), runsBeforeRetry, runsAfterRetry: upstreamRuns(pt.fixture, "echo") }).toEqual({
      retry: '{"message":"offline"}',
      runsBeforeRetry: 0,
      runsAfterRetry: 1,
    });
  });
});
