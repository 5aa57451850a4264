import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_POLICIES } from "@/app/(console)/[tenant]/roles/_components/example-policies";
import { createAgent, deleteAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { recordAgentRequest } from "@/lib/audit/events";
import { createServer } from "@/lib/registry/servers";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, uniqueSuffix } from "@/test/factories";
import { policyTools } from "@/test/fixtures/upstream/policy-tools";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { text, tool } from "@/test/fixtures/upstream/tool-kit";
import { connectAgent } from "@/test/gateway";
import { superuserQuery } from "@/test/superuser";
import { createRole, getRole } from "./roles";
import type { RuleInput } from "./schemas";
import { replayCalls, type Replay } from "./replay";
import { simulateCall, type SimulateInput } from "./simulate";

// One fixture upstream with the example policies' tools (query, refund,
// delete_project), registered as three servers: db, jira and payments.

const example = (id: string) => EXAMPLE_POLICIES.find((e) => e.id === id)!.rules;
const [dbQuery, jiraDelete, refundTiers, officeHours] = ["db-query-not-financials", "jira-delete-project-approval", "payments-refund-tiers", "office-hours"].map(example) as [
  RuleInput[],
  RuleInput[],
  RuleInput[],
  RuleInput[],
];

let fixture: FixtureHttp;

beforeAll(async () => {
  fixture = await startFixtureHttp({
    extraTools: [...policyTools(), tool("delete_project", "Deletes a project", async () => text("deleted"), { annotations: { destructiveHint: true } })],
  });
});

afterAll(async () => {
  await fixture?.close();
});

type World = { ctx: TenantContext; support: { id: string; key: string }; other: { id: string; key: string } };

/**
 * A tenant with the three servers and two roles: `support` (the role under
 * simulation) and `base`. The support agent holds both, the other agent
 * only `base`.
 */
async function createWorld(rules: { support?: RuleInput[]; base?: RuleInput[] } = {}): Promise<World> {
  const ctx = await createTestTenant();
  for (const name of ["db", "jira", "payments"]) await createServer(ctx, { name, transport: "streamable_http", url: fixture.url });
  await createRole(ctx, { name: "support", rules: rules.support ?? [] });
  await createRole(ctx, { name: "base", rules: rules.base ?? [] });
  const agent = async (name: string, roles: string[]) => {
    const created = await createAgent(ctx, { name: `${name}-${uniqueSuffix()}`, roles, labels: { team: name } });
    const { secret } = await createAgentKey(ctx, created.id, { name: "k" });
    return { id: created.id, key: secret };
  };
  return { ctx, support: await agent("support", ["support", "base"]), other: await agent("other", ["base"]) };
}

/** What simulation must never change: rules, approvals, audit log. */
async function tenantState(tenantId: string) {
  return {
    rules: await superuserQuery("select * from access_rules where tenant_id = $1 order by id", [tenantId]),
    audit: await superuserQuery("select id from audit_events where tenant_id = $1 order by id", [tenantId]),
    approvals: await superuserQuery("select id from approvals where tenant_id = $1 order by id", [tenantId]),
  };
}

const sim = (w: World, input: Omit<SimulateInput, "agentId"> & { agentId?: string }) => simulateCall(w.ctx, "support", { agentId: w.support.id, ...input });

describe("simulateCall", () => {
  it("the support agent may call db__query only when args.table != 'financials'", async () => {
    const w = await createWorld();
    const orders = await sim(w, { rules: dbQuery, tool: "db__query", arguments: { table: "orders" } });
    expect(orders.decision).toEqual({
      effect: "allow",
      rule: "support#1",
      reason: "allowed by rule 1 of role \"support\", as args.table != 'financials' holds",
      message: null,
      approval: null,
      failed: false,
    });
    expect(orders.saved).toMatchObject({ effect: "deny", rule: null });
    expect(orders).toMatchObject({ agent: { id: w.support.id, holdsRole: true }, tool: { exposedName: "db__query", server: "db", name: "query" }, listed: true });
    expect(orders.trace).toEqual([
      {
        rule: "support#1",
        role: "support",
        position: 1,
        draft: true,
        target: "tool",
        server: "db",
        pattern: "query",
        effect: "allow",
        condition: "args.table != 'financials'",
        matched: true,
        conditionResult: "true",
        error: null,
        decisive: true,
      },
    ]);

    const financials = await sim(w, { rules: dbQuery, tool: "db__query", arguments: '{"table": "financials"}' });
    expect(financials.decision).toMatchObject({ effect: "deny", rule: null, reason: "no rule allows it (deny by default)" });
    expect(financials.trace[0]).toMatchObject({ matched: true, conditionResult: "false", decisive: false });
    expect(financials.listed).toBe(true);
  });

  it("jira__delete_project always needs approval", async () => {
    const w = await createWorld();
    const result = await sim(w, { rules: jiraDelete, tool: "jira__delete_project", arguments: { key: "OPS" } });
    expect(result.decision).toMatchObject({
      effect: "require_approval",
      rule: "support#1",
      approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 },
      reason: 'rule 1 of role "support" requires 1 approval (reviewer or above)',
    });
  });

  it("payments__refund needs one approval above 100 and two above 1,000, and is denied above 10,000", async () => {
    const w = await createWorld();
    const refund = async (amount: number) => (await sim(w, { rules: refundTiers, tool: "payments__refund", arguments: { amount } })).decision;
    expect(await refund(100)).toMatchObject({ effect: "allow", rule: "support#1" });
    expect(await refund(101)).toMatchObject({ effect: "require_approval", rule: "support#2", approval: { approvalsRequired: 1, approverRole: "reviewer" } });
    expect(await refund(1000)).toMatchObject({ effect: "require_approval", rule: "support#2" });
    expect(await refund(1000.01)).toMatchObject({ effect: "require_approval", rule: "support#3", approval: { approvalsRequired: 2, approverRole: "admin", ttlSeconds: 14400 } });
    expect(await refund(10000)).toMatchObject({ effect: "require_approval", rule: "support#3" });
    expect(await refund(10001)).toMatchObject({
      effect: "deny",
      rule: "support#4",
      message: "Refunds above 10,000 are made by the finance team, not by agents.",
    });
    // A refund without an amount cannot be evaluated, so it is denied, and the trace says where.
    const missing = await sim(w, { rules: refundTiers, tool: "payments__refund", arguments: {} });
    expect(missing.decision).toMatchObject({ effect: "deny", failed: true, rule: "support#2" });
    expect(missing.trace.filter((t) => t.conditionResult === "error").map((t) => t.rule)).toEqual(["support#2", "support#3", "support#4"]);
    expect(missing.trace.find((t) => t.rule === "support#2")!.error).toMatch(/amount/);
  });

  it("only on weekdays 08:00–18:00 Europe/Berlin, on top of what the agent's other roles allow", async () => {
    const w = await createWorld({ base: [{ server: "*", pattern: "*", effect: "allow" }] });
    const at = async (iso: string) => (await sim(w, { rules: officeHours, tool: "db__query", arguments: { table: "orders" }, at: iso })).decision;
    expect(await at("2026-03-04T09:00:00+01:00")).toMatchObject({ effect: "allow", rule: "base#1" }); // Wednesday
    expect(await at("2026-03-04T07:59:00+01:00")).toMatchObject({ effect: "deny", rule: "support#1", message: "Tools are available on weekdays from 08:00 to 18:00 Berlin time." });
    expect(await at("2026-03-04T17:00:00Z")).toMatchObject({ effect: "deny", rule: "support#1" }); // 18:00 in Berlin
    expect(await at("2026-07-01T17:59:00+02:00")).toMatchObject({ effect: "allow" }); // summer time
    expect(await at("2026-03-07T12:00:00+01:00")).toMatchObject({ effect: "deny", rule: "support#1" }); // Saturday
    const result = await sim(w, { rules: officeHours, tool: "db__query", arguments: {}, at: "2026-03-07T12:00:00+01:00" });
    expect(result.at).toBe("2026-03-07T11:00:00.000Z");
    expect(result.listed).toBe(true); // a conditional deny leaves the tool listed
  });

  it("replaces the role's saved rules with the draft and keeps the agent's other roles", async () => {
    const w = await createWorld({ support: [{ server: "db", pattern: "query", effect: "deny" }], base: [{ server: "db", pattern: "*", effect: "allow" }] });
    const saved = await sim(w, { rules: (await getRole(w.ctx, "support")).rules, tool: "db__query", arguments: {} });
    expect(saved.decision).toMatchObject({ effect: "deny", rule: "support#1" });
    expect(saved.listed).toBe(false);

    const draft = await sim(w, { rules: [], tool: "db__query", arguments: {} });
    expect(draft.decision).toMatchObject({ effect: "allow", rule: "base#1" });
    expect(draft.saved).toMatchObject({ effect: "deny", rule: "support#1" });
    expect(draft.trace.map((t) => [t.rule, t.draft])).toEqual([["base#1", false]]);
  });

  it("simulates an agent without the role as if it held it, and says so", async () => {
    const w = await createWorld({ base: [{ server: "payments", pattern: "*", effect: "allow" }] });
    const result = await sim(w, { agentId: w.other.id, rules: refundTiers, tool: "payments__refund", arguments: { amount: 5000 } });
    expect(result.agent).toMatchObject({ id: w.other.id, holdsRole: false });
    expect(result.decision).toMatchObject({ effect: "require_approval", rule: "support#3" });
    expect(result.saved).toMatchObject({ effect: "allow", rule: "base#1" });
  });

  it("gives conditions the agent, the client, the source and the session's earlier calls", async () => {
    const w = await createWorld();
    const rules: RuleInput[] = [
      {
        server: "payments",
        pattern: "refund",
        effect: "allow",
        condition:
          "agent.labels.team == 'support' && request.client.name == 'claude-code' && request.source.startsWith('10.') && session.calls.exists(c, c.name == 'db__query' && c.decision == 'allow')",
      },
    ];
    const input = { rules, tool: "payments__refund", arguments: { amount: 1 }, clientName: "claude-code", source: "10.1.2.3" };
    expect((await sim(w, { ...input, sessionCalls: [{ tool: "db__query" }] })).decision.effect).toBe("allow");
    expect((await sim(w, { ...input, sessionCalls: [{ tool: "db__query", decision: "deny" }] })).decision.effect).toBe("deny");
    expect((await sim(w, { ...input, sessionCalls: [] })).decision.effect).toBe("deny");
    expect((await sim(w, { ...input, source: "192.168.0.1", sessionCalls: [{ tool: "db__query" }] })).decision.effect).toBe("deny");
    expect((await sim(w, { ...input, agentId: w.other.id, sessionCalls: [{ tool: "db__query" }] })).decision.effect).toBe("deny");
  });

  it("refuses bad input with a clear error and changes nothing", async () => {
    const w = await createWorld({ support: dbQuery });
    const foreign = await createWorld();
    const before = await tenantState(w.ctx.tenant.id);
    const refused = async (input: Parameters<typeof sim>[1], field: string, message: RegExp | string) => {
      const error = await expectAppError(() => sim(w, input), "validation_failed");
      expect(error.fields?.[field]?.[0], JSON.stringify(error.fields)).toEqual(typeof message === "string" ? message : expect.stringMatching(message));
    };
    await refused({ agentId: "agt_nope", rules: [], tool: "db__query" }, "agentId", "There is no such agent in this tenant.");
    await refused({ agentId: foreign.support.id, rules: [], tool: "db__query" }, "agentId", "There is no such agent in this tenant.");
    await refused({ rules: [], tool: "db__drop" }, "tool", 'No tool named "db__drop" in this tenant\'s catalog (enabled servers only).');
    await refused({ rules: [], tool: "db__query", arguments: "{table: orders}" }, "arguments", /^The arguments are not valid JSON: /);
    await refused({ rules: [], tool: "db__query", arguments: "[1, 2]" }, "arguments", 'The arguments are a JSON object, such as {"table": "orders"}.');
    await refused({ rules: [], tool: "db__query", at: "tomorrow" }, "at", "Give the time as an ISO instant, e.g. 2026-03-02T09:30:00+01:00.");
    await refused({ rules: [], tool: "db__query", sessionCalls: [{ tool: "db__nothing" }] }, "sessionCalls.0.tool", 'No tool named "db__nothing" in this tenant\'s catalog.');
    await refused({ rules: [{ server: "db", pattern: "query", effect: "allow", condition: "args.table ==" }], tool: "db__query" }, "rules.0.condition", /./);
    await refused({ rules: [{ server: "db", pattern: "query", effect: "allow", message: "no" }], tool: "db__query" }, "rules.0.message", /deny rules only/);
    await expectAppError(() => simulateCall(w.ctx, "nope", { agentId: w.support.id, rules: [], tool: "db__query" }), "not_found", 'The role "nope" was not found.');
    expect(await tenantState(w.ctx.tenant.id)).toEqual(before);
    expect((await getRole(w.ctx, "support")).rules).toHaveLength(1);
  });
});

// Replay -------------------------------------------------------------------

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return client.callTool({ name, arguments: args });
}

const byTool = (r: Replay) => r.changes.map((c) => [c.tool, c.recorded.effect, c.draft.effect, c.draft.rule]);

describe("replayCalls", () => {
  it("replays real calls: the saved rules change nothing, the draft's changes are listed with counts", async () => {
    const saved: RuleInput[] = [
      { server: "db", pattern: "query", effect: "allow" },
      { server: "payments", pattern: "refund", effect: "allow" },
    ];
    const w = await createWorld({ support: saved });
    const client = await connectAgent(w.ctx.tenant.slug, w.support.key, { name: "claude-code" });
    try {
      await call(client, "db__query", { table: "orders" });
      await call(client, "db__query", { table: "financials" });
      for (const amount of [50, 500, 5000, 50000]) await call(client, "payments__refund", { amount });
    } finally {
      await client.close();
    }

    const unchanged = await replayCalls(w.ctx, "support", { rules: saved });
    expect(unchanged.counts).toEqual({ events: 6, evaluated: 6, unchanged: 6, changed: 0, changedByDraft: 0, skipped: 0, notHoldingRole: 0 });

    const replay = await replayCalls(w.ctx, "support", { rules: [...dbQuery, ...refundTiers] });
    expect(replay.counts).toEqual({ events: 6, evaluated: 6, unchanged: 2, changed: 4, changedByDraft: 4, skipped: 0, notHoldingRole: 0 });
    // Newest first.
    expect(byTool(replay)).toEqual([
      ["payments__refund", "allow", "deny", "support#5"],
      ["payments__refund", "allow", "require_approval", "support#4"],
      ["payments__refund", "allow", "require_approval", "support#3"],
      ["db__query", "allow", "deny", null],
    ]);
    expect(replay.changes[0]).toMatchObject({
      agent: { id: w.support.id },
      recorded: { effect: "allow", rule: "support#2" },
      saved: { effect: "allow", rule: "support#2" },
      draft: { message: "Refunds above 10,000 are made by the finance team, not by agents." },
      byDraft: true,
      holdsRole: true,
    });
    expect(replay.changes[1]!.draft.approval).toEqual({ approverRole: "admin", approvalsRequired: 2, ttlSeconds: 14400 });
    expect(replay.transitions).toEqual([
      { from: "allow", to: "deny", count: 2 },
      { from: "allow", to: "require_approval", count: 2 },
    ]);
    expect(new Date(replay.from!).getTime()).toBeLessThanOrEqual(new Date(replay.to!).getTime());

    const lastTwo = await replayCalls(w.ctx, "support", { rules: [...dbQuery, ...refundTiers], limit: 2 });
    expect(lastTwo.counts.events).toBe(2);
    expect(byTool(lastTwo).map((c) => c[2])).toEqual(["deny", "require_approval"]);
  });

  it("rebuilds each call's session history from the audit log before it", async () => {
    const w = await createWorld({ support: [{ server: "*", pattern: "*", effect: "allow" }] });
    const afterQuery: RuleInput[] = [
      { server: "db", pattern: "query", effect: "allow" },
      { server: "payments", pattern: "refund", effect: "allow", condition: "session.calls.exists(c, c.name == 'db__query' && c.decision == 'allow')" },
    ];
    const first = await connectAgent(w.ctx.tenant.slug, w.support.key);
    try {
      await call(first, "payments__refund", { amount: 1 }); // before any query: would be denied
      await call(first, "db__query", { table: "orders" });
      await call(first, "payments__refund", { amount: 2 }); // after one: allowed
    } finally {
      await first.close();
    }
    const second = await connectAgent(w.ctx.tenant.slug, w.support.key);
    try {
      await call(second, "payments__refund", { amount: 3 }); // a new session has no history
    } finally {
      await second.close();
    }
    const sessions = await superuserQuery<{ session_id: string }>("select distinct session_id from audit_events where tenant_id = $1 and method = 'tools/call'", [w.ctx.tenant.id]);
    expect(sessions.filter((s) => s.session_id)).toHaveLength(2);

    const replay = await replayCalls(w.ctx, "support", { rules: afterQuery });
    expect(replay.counts).toMatchObject({ events: 4, evaluated: 4, changed: 2 });
    expect(replay.changes.map((c) => [c.tool, c.draft.effect])).toEqual([
      ["payments__refund", "deny"],
      ["payments__refund", "deny"],
    ]);
    const events = await superuserQuery<{ id: string; arguments: { amount?: number } }>(
      "select id, arguments from audit_events where tenant_id = $1 and tool = 'refund' order by occurred_at",
      [w.ctx.tenant.id],
    );
    const amountOf = new Map(events.map((e) => [e.id, e.arguments.amount]));
    expect(replay.changes.map((c) => amountOf.get(c.eventId)).sort()).toEqual([1, 3]);
  });

  it("skips calls it cannot replay, and applies the draft only to agents holding the role", async () => {
    const w = await createWorld({
      support: [{ server: "*", pattern: "*", effect: "allow" }],
      base: [{ server: "db", pattern: "query", effect: "allow", condition: "agent.labels.team == 'other'" }],
    });
    const gone = await createAgent(w.ctx, { name: `gone-${uniqueSuffix()}`, roles: ["support"] });
    const base = { tenantId: w.ctx.tenant.id, keyPrefix: "gth_agt_x", sessionId: null, method: "tools/call", outcome: "ok" as const, totalMs: 1 };
    const support = { agentId: w.support.id, agentName: "support-bot" };
    await recordAgentRequest({ ...base, ...support, server: "db", tool: "query", arguments: { table: "x".repeat(70 * 1024) }, decision: "allowed" });
    await recordAgentRequest({ ...base, ...support, server: null, tool: "db__drop", arguments: {}, decision: "denied", outcome: "denied" });
    await recordAgentRequest({ ...base, ...support, server: "db", tool: "vanished", arguments: {}, decision: "allowed" });
    await recordAgentRequest({ ...base, agentId: gone.id, agentName: gone.name, server: "db", tool: "query", arguments: { table: "orders" }, decision: "allowed" });
    await deleteAgent(w.ctx, gone.id);
    // A held call that reviewers later approved counts as require_approval.
    await recordAgentRequest({ ...base, ...support, server: "jira", tool: "delete_project", arguments: {}, decision: "allowed", rule: "support#1", approvalId: "apr_00000000000000000000" });
    // The other agent does not hold support: the draft does not apply to it.
    await recordAgentRequest({ ...base, agentId: w.other.id, agentName: "other", server: "db", tool: "query", arguments: { table: "financials" }, decision: "allowed", rule: "base#1" });
    await recordAgentRequest({ ...base, ...support, server: "db", tool: "query", arguments: { table: "financials" }, decision: "allowed", rule: "support#1" });
    const before = await tenantState(w.ctx.tenant.id);

    const replay = await replayCalls(w.ctx, "support", { rules: [...dbQuery, { server: "jira", pattern: "*", effect: "allow" }] });

    expect(replay.counts).toEqual({ events: 7, evaluated: 3, unchanged: 1, changed: 2, changedByDraft: 1, skipped: 4, notHoldingRole: 1 });
    expect(replay.skipped.map((s) => [s.tool, s.reason])).toEqual([
      ["db__query", "the agent no longer exists"],
      ["db__vanished", "the tool is no longer in the catalog (or its server is disabled)"],
      ["db__drop", "the agent named a tool that did not exist"],
      ["db__query", "its arguments were too large to be stored"],
    ]);
    expect(replay.changes.map((c) => [c.tool, c.recorded.effect, c.draft.effect, c.byDraft])).toEqual([
      ["db__query", "allow", "deny", true],
      // The saved rules (allow everything) already let it through: the change is not the draft's.
      ["jira__delete_project", "require_approval", "allow", false],
    ]);
    expect(await tenantState(w.ctx.tenant.id)).toEqual(before);

    const asSaved = await replayCalls(w.ctx, "support", { rules: [{ server: "*", pattern: "*", effect: "allow" }] });
    expect(asSaved.changes.map((c) => [c.tool, c.byDraft])).toEqual([["jira__delete_project", false]]);
  });

  it("needs audit.read besides roles.read, validates its input, and stays in its tenant", async () => {
    const w = await createWorld({ support: [{ server: "*", pattern: "*", effect: "allow" }] });
    await recordAgentRequest({ tenantId: w.ctx.tenant.id, agentId: w.support.id, agentName: "s", keyPrefix: "k", sessionId: null, method: "tools/call", server: "db", tool: "query", arguments: {}, decision: "allowed", outcome: "ok", totalMs: 1 });
    const viewer = (await createTestMember(w.ctx, "viewer")).ctx;
    const auditor = (await createTestMember(w.ctx, "auditor")).ctx;

    expect((await simulateCall(viewer, "support", { agentId: w.support.id, rules: [], tool: "db__query" })).decision.effect).toBe("deny");
    await expectAppError(() => replayCalls(viewer, "support", { rules: [] }), "forbidden");
    expect((await replayCalls(auditor, "support", { rules: [] })).counts).toMatchObject({ events: 1, changed: 1 });

    const error = await expectAppError(() => replayCalls(w.ctx, "support", { rules: [], limit: 501 }), "validation_failed");
    expect(error.fields).toEqual({ limit: ["Replay at most 500 calls."] });
    await expectAppError(() => replayCalls(w.ctx, "support", { rules: [], limit: 0 }), "validation_failed", "limit: Replay at least 1 call.");

    const other = await createWorld({ support: [] });
    expect((await replayCalls(other.ctx, "support", { rules: [] })).counts.events).toBe(0);
  });
});
