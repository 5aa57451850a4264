import { describe, expect, it } from "vitest";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { recordAgentRequest, type AgentRequestEvent } from "./events";
import { listAuditEvents, type AuditEvent, type AuditQueryInput } from "./queries";

type Seed = Partial<AgentRequestEvent> & { at?: string };

/** Records agent requests in order; `at` pins an event's time (to the microsecond) behind the app's back. */
async function record(ctx: TenantContext, seeds: Seed[]): Promise<void> {
  for (const { at, ...seed } of seeds) {
    await recordAgentRequest({
      tenantId: ctx.tenant.id,
      agentId: "agt_alpha",
      agentName: "alpha",
      keyPrefix: "gth_agt_abcdef",
      sessionId: null,
      method: "tools/call",
      server: "github",
      tool: "create_issue",
      arguments: { title: "x" },
      decision: "allowed",
      outcome: "ok",
      totalMs: 5,
      ...seed,
    });
    if (at) {
      await superuserQuery(
        "update audit_events set occurred_at = $1::timestamptz where id = (select id from audit_events where tenant_id = $2 order by occurred_at desc, id desc limit 1)",
        [at, ctx.tenant.id],
      );
    }
  }
}

/** A tenant with six events of different agents, servers, tools, methods, outcomes and decisions, a minute apart. */
async function seededTenant() {
  const ctx = await createTestTenant();
  await record(ctx, [
    { at: "2026-03-01T10:00:00Z", method: "initialize", server: null, tool: null, decision: "none" },
    { at: "2026-03-01T10:01:00Z" },
    { at: "2026-03-01T10:02:00Z", agentId: "agt_beta", agentName: "beta", tool: "delete_repo", decision: "denied", outcome: "denied", error: "denied by rule 1" },
    { at: "2026-03-01T10:03:00Z", server: "jira", tool: "search", outcome: "error", error: "upstream timed out" },
    { at: "2026-03-01T10:04:00Z", agentId: "agt_beta", agentName: "beta", method: "tools/list", server: null, tool: null, decision: "none" },
    { at: "2026-03-01T10:05:00Z", server: "jira", tool: "search" },
  ]);
  return ctx;
}

const times = (events: AuditEvent[]) => events.map((e) => e.occurredAt.toISOString().slice(11, 16));

describe("listAuditEvents", () => {
  it("lists the tenant's events newest first, and only the tenant's", async () => {
    const ctx = await seededTenant();
    const other = await createTestTenant();
    await record(other, [{ agentName: "intruder" }]);

    const { events, nextCursor } = await listAuditEvents(ctx);

    expect(times(events)).toEqual(["10:05", "10:04", "10:03", "10:02", "10:01", "10:00"]);
    expect(nextCursor).toBeNull();
    expect(events.every((e) => e.tenantId === ctx.tenant.id)).toBe(true);
    expect(events[3]).toMatchObject({ agentName: "beta", server: "github", tool: "delete_repo", decision: "denied", outcome: "denied", error: "denied by rule 1", arguments: { title: "x" } });
    expect(events[0]!.id).toMatch(/^evt_/);
  });

  it.each<[AuditQueryInput, string[]]>([
    [{ agent: "agt_beta" }, ["10:04", "10:02"]],
    [{ agent: "beta" }, ["10:04", "10:02"]],
    [{ agent: "gamma" }, []],
    [{ server: "jira" }, ["10:05", "10:03"]],
    [{ tool: "delete_repo" }, ["10:02"]],
    [{ method: "tools/list" }, ["10:04"]],
    [{ outcome: "error" }, ["10:03"]],
    [{ decision: "denied" }, ["10:02"]],
    [{ decision: "none" }, ["10:04", "10:00"]],
    [{ from: "2026-03-01T10:02:00Z", to: "2026-03-01T10:04:00Z" }, ["10:04", "10:03", "10:02"]],
    [{ from: "2026-03-01T11:02:00+01:00" }, ["10:05", "10:04", "10:03", "10:02"]],
    [{ server: "jira", outcome: "ok" }, ["10:05"]],
    [{ agent: "alpha", method: "tools/call", server: "github" }, ["10:01"]],
    // Empty values, as an HTML form or a query string sends them, mean "any".
    [{ agent: "", server: " ", tool: "", from: "", to: "" }, ["10:05", "10:04", "10:03", "10:02", "10:01", "10:00"]],
  ])("filters by %j", async (query, expected) => {
    const ctx = await seededTenant();
    expect(times((await listAuditEvents(ctx, query)).events)).toEqual(expected);
  });

  it("pages with a cursor, without gaps or repeats, until nextCursor is null", async () => {
    const ctx = await seededTenant();
    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await listAuditEvents(ctx, { limit: "4" as never, cursor });
      pageSizes.push(page.events.length);
      seen.push(...times(page.events));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([4, 2]);
    expect(seen).toEqual(["10:05", "10:04", "10:03", "10:02", "10:01", "10:00"]);
  });

  it("pages through events that share a millisecond (Postgres keeps microseconds)", async () => {
    const ctx = await createTestTenant();
    await record(ctx, [
      { at: "2026-03-01T10:00:00.123100Z", tool: "a" },
      { at: "2026-03-01T10:00:00.123200Z", tool: "b" },
      { at: "2026-03-01T10:00:00.123300Z", tool: "c" },
      { at: "2026-03-01T10:00:00.123300Z", tool: "d" },
      { at: "2026-03-01T10:00:00.122999Z", tool: "e" },
    ]);
    const all = (await listAuditEvents(ctx)).events.map((e) => e.id);
    expect(all).toHaveLength(5);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(ctx, { limit: 1, cursor });
      paged.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && paged.length < 10);
    expect(paged).toEqual(all);
  });

  it("keeps filters across pages", async () => {
    const ctx = await seededTenant();
    const first = await listAuditEvents(ctx, { agent: "alpha", limit: 2 });
    expect(times(first.events)).toEqual(["10:05", "10:03"]);
    const second = await listAuditEvents(ctx, { agent: "alpha", limit: 2, cursor: first.nextCursor! });
    expect(times(second.events)).toEqual(["10:01", "10:00"]);
    expect(second.nextCursor).toBeNull();
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ cursor: "garbage" }, "cursor", "Invalid cursor."],
    [{ cursor: Buffer.from('["not a date","evt_x"]').toString("base64url") }, "cursor", "Invalid cursor."],
    [{ cursor: Buffer.from('["2026-03-01T10:00:00Z",42]').toString("base64url") }, "cursor", "Invalid cursor."],
    [{ cursor: Buffer.from('{"at":1}').toString("base64url") }, "cursor", "Invalid cursor."],
    [{ cursor: Buffer.from('["Sun, 01 Mar 2026 10:00:00 GMT","evt_x"]').toString("base64url") }, "cursor", "Invalid cursor."],
    [{ cursor: Buffer.from('["2026-02-30T10:00:00.000000Z","evt_x"]').toString("base64url") }, "cursor", "Invalid cursor."],
    [{ limit: 0 }, "limit", "At least 1."],
    [{ limit: 201 }, "limit", "At most 200 per page."],
    [{ limit: "ten" }, "limit", "Invalid input: expected number, received NaN"],
    [{ outcome: "maybe" }, "outcome", "Outcome is one of: ok, error, denied, pending."],
    [{ decision: "perhaps" }, "decision", "Decision is one of: allowed, denied, approval_required, none."],
    [{ from: "yesterday" }, "from", "Use an ISO date and time, e.g. 2026-11-21T09:00:00Z."],
    [{ to: "2026-13-45" }, "to", "Use an ISO date and time, e.g. 2026-11-21T09:00:00Z."],
    [{ agent: "a".repeat(201) }, "agent", "Too big: expected string to have <=200 characters"],
  ])("refuses %j with a field error", async (query, field, message) => {
    const ctx = await seededTenant();
    const error = await expectAppError(listAuditEvents(ctx, query as AuditQueryInput), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it("is readable by reviewers, auditors and admins, not by viewers", async () => {
    const ctx = await seededTenant();
    for (const role of ["reviewer", "auditor", "admin"] as const) {
      expect((await listAuditEvents((await createTestMember(ctx, role)).ctx)).events).toHaveLength(6);
    }
    await expectAppError(
      listAuditEvents((await createTestMember(ctx, "viewer")).ctx),
      "forbidden",
      "Your role (viewer) does not allow this: search the audit log.",
    );
  });

  it("a cursor from another tenant reveals nothing there", async () => {
    const a = await seededTenant();
    const b = await seededTenant();
    const { nextCursor } = await listAuditEvents(a, { limit: 1 });
    const page = await listAuditEvents(b, { cursor: nextCursor! });
    expect(page.events.every((e) => e.tenantId === b.tenant.id)).toBe(true);
  });
});
