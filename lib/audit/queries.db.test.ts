import { describe, expect, it } from "vitest";
import { getDatabase } from "@/db/client";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { appendAuditEvent, auditRecord, type AuditRecord } from "./chain";
import { recordAgentRequest, type AgentRequestEvent } from "./events";
import { getAuditEvent, listAuditEvents, parseAuditQuery, searchAuditEvents, type AuditEvent, type AuditQueryInput } from "./queries";

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

/** Agent requests only: creating a tenant and adding members are events of their own. */
const listAgentRequests = (ctx: TenantContext, query: AuditQueryInput = {}) => listAuditEvents(ctx, { kind: "agent", ...query });

const times = (events: AuditEvent[]) => events.map((e) => e.occurredAt.toISOString().slice(11, 16));

describe("listAuditEvents", () => {
  it("lists the tenant's events newest first, and only the tenant's", async () => {
    const ctx = await seededTenant();
    const other = await createTestTenant();
    await record(other, [{ agentName: "intruder" }]);

    const { events, nextCursor } = await listAgentRequests(ctx);

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
    expect(times((await listAgentRequests(ctx, query)).events)).toEqual(expected);
  });

  it("pages with a cursor, without gaps or repeats, until nextCursor is null", async () => {
    const ctx = await seededTenant();
    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await listAgentRequests(ctx, { limit: "4" as never, cursor });
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
    const all = (await listAgentRequests(ctx)).events.map((e) => e.id);
    expect(all).toHaveLength(5);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAgentRequests(ctx, { limit: 1, cursor });
      paged.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && paged.length < 10);
    expect(paged).toEqual(all);
  });

  it("keeps filters across pages", async () => {
    const ctx = await seededTenant();
    const first = await listAgentRequests(ctx, { agent: "alpha", limit: 2 });
    expect(times(first.events)).toEqual(["10:05", "10:03"]);
    const second = await listAgentRequests(ctx, { agent: "alpha", limit: 2, cursor: first.nextCursor! });
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
    const error = await expectAppError(listAgentRequests(ctx, query as AuditQueryInput), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it("is readable by reviewers, auditors and admins, not by viewers", async () => {
    const ctx = await seededTenant();
    for (const role of ["reviewer", "auditor", "admin"] as const) {
      expect((await listAgentRequests((await createTestMember(ctx, role)).ctx)).events).toHaveLength(6);
    }
    await expectAppError(
      listAgentRequests((await createTestMember(ctx, "viewer")).ctx),
      "forbidden",
      "Your role (viewer) does not allow this: search the audit log.",
    );
  });

  it("a cursor from another tenant reveals nothing there", async () => {
    const a = await seededTenant();
    const b = await seededTenant();
    const { nextCursor } = await listAgentRequests(a, { limit: 1 });
    const page = await listAgentRequests(b, { cursor: nextCursor! });
    expect(page.events.every((e) => e.tenantId === b.tenant.id)).toBe(true);
  });
});

type Fields = Partial<Omit<AuditRecord, "tenantId">> & { at?: string };

/** Appends events through the chain, with their times set as written (so the chain verifies). */
async function append(ctx: TenantContext, events: Fields[]): Promise<string[]> {
  const { db } = await getDatabase();
  const ids: string[] = [];
  for (const { at, ...fields } of events) {
    const record = auditRecord({ tenantId: ctx.tenant.id, action: "mcp.request", decision: "allowed", outcome: "ok", totalMs: 5, ...fields, ...(at ? { occurredAt: new Date(at) } : {}) });
    await appendAuditEvent(db, record);
    ids.push(record.id);
  }
  return ids;
}

/** A tenant with agent requests carrying arguments and results, an approval's events, an admin change, sign-ins and an alert. */
async function richTenant() {
  const ctx = await createTestTenant();
  const call = { method: "tools/call", agentId: "agt_support", agentName: "support-bot", server: "payments", keyPrefix: "gth_agt_suppor" };
  const ids = await append(ctx, [
    { at: "2026-03-01T10:00:00Z", ...call, tool: "refund", arguments: { orderId: "ORD-93817", amount: 12.5, reason: "parcel never arrived" }, result: { content: [{ type: "text", text: "Refunded ORD-93817" }] }, resultBytes: 48, resultHash: "a".repeat(64), resultTruncated: false, totalMs: 120, upstreamMs: 110 },
    { at: "2026-03-01T10:01:00Z", ...call, tool: "lookup_customer", arguments: { email: "noor.42@example.test" }, result: { content: [{ type: "text", text: "gold tier customer" }] }, totalMs: 40 },
    { at: "2026-03-01T10:02:00Z", ...call, tool: "refund", arguments: { orderId: "ORD-11111", email: "[redacted:pii:email]", reason: "refund for a parcel" }, redactions: [{ path: "args.email", reason: "pii:email" }], decision: "approval_required", outcome: "pending", approvalId: "apr_held1", totalMs: 3, sealedPayload: "sealed:v1:opaque" },
    { at: "2026-03-01T10:03:00Z", action: "approval.requested", approvalId: "apr_held1", decision: "approval_required", outcome: "pending", totalMs: 0 },
    { at: "2026-03-01T10:04:00Z", action: "approval.approved", approvalId: "apr_held1", actorKind: "user", actorId: "usr_rico", actorName: "Rico Reviewer", comment: "fine, the parcel is lost", decision: "none", totalMs: 0 },
    { at: "2026-03-01T10:05:00Z", ...call, agentId: "agt_ci", agentName: "ci-bot", server: "github", tool: "create_issue", arguments: { title: "Flaky deploy" }, outcome: "error", error: "upstream timed out", totalMs: 30000 },
    { at: "2026-03-01T10:06:00Z", action: "server.updated", actorKind: "user", actorId: "usr_dana", actorName: "Dana Admin", targetType: "server", targetId: "srv_1", targetName: "payments", before: { timeoutMs: 10000 }, after: { timeoutMs: 30000 }, decision: "none", totalMs: 0 },
    { at: "2026-03-01T10:07:00Z", action: "auth.signed_in", actorKind: "user", actorId: "usr_dana", actorName: "dana@acme.example", sourceIp: "192.0.2.1", decision: "none", totalMs: 0 },
    { at: "2026-03-01T10:08:00Z", action: "auth.sign_in_failed", actorKind: "user", actorName: "mallory@evil.example", outcome: "denied", reason: "wrong password", decision: "none", totalMs: 0 },
    { at: "2026-03-01T10:09:00Z", action: "settings.audit_fail_open_enabled", actorKind: "user", actorId: "usr_dana", actorName: "Dana Admin", severity: "alert", targetType: "settings", targetId: "audit", decision: "none", totalMs: 0 },
  ]);
  return { ctx, ids };
}

describe("searching the audit log", () => {
  it.each<[AuditQueryInput, string[]]>([
    // Free text over arguments and results, whole ids and emails as written.
    [{ q: "ORD-93817" }, ["10:00"]],
    [{ q: "ord-93817" }, ["10:00"]],
    [{ q: "noor.42@example.test" }, ["10:01"]],
    [{ q: "gold" }, ["10:01"]],
    [{ q: "parcel" }, ["10:04", "10:02", "10:00"]],
    [{ q: '"parcel never arrived"' }, ["10:00"]],
    [{ q: "refund -never" }, ["10:02"]],
    [{ q: "timed out" }, ["10:05"]],
    [{ q: "ORD-9381" }, []],
    [{ q: "payments" }, ["10:06"]],
    // Who acted.
    [{ member: "usr_dana" }, ["10:09", "10:07", "10:06"]],
    [{ member: "Rico Reviewer" }, ["10:04"]],
    [{ member: "rico" }, []],
    [{ member: "mallory@evil.example" }, ["10:08"]],
    // What kind of event.
    [{ kind: "agent" }, ["10:05", "10:02", "10:01", "10:00"]],
    [{ kind: "approval" }, ["10:04", "10:03"]],
    [{ kind: "sign_in" }, ["10:08", "10:07"]],
    [{ kind: "admin" }, ["10:09", "10:06"]],
    [{ action: "approval.*" }, ["10:04", "10:03"]],
    [{ action: "auth." }, ["10:08", "10:07"]],
    [{ action: "server.updated" }, ["10:06"]],
    [{ action: "server" }, []],
    [{ severity: "alert" }, ["10:09"]],
    // Decision, approval, latency.
    [{ decision: "approval_required" }, ["10:03", "10:02"]],
    [{ approval: "apr_held1" }, ["10:04", "10:03", "10:02"]],
    [{ minLatencyMs: 100 }, ["10:05", "10:00"]],
    [{ minLatencyMs: "40", maxLatencyMs: "120" }, ["10:01", "10:00"]],
    [{ maxLatencyMs: 3, kind: "agent" }, ["10:02"]],
    [{ q: "refund", agent: "support-bot", from: "2026-03-01T10:01:00Z" }, ["10:02"]],
    [{ minLatencyMs: "", maxLatencyMs: "", q: " ", member: "", severity: undefined }, ["10:09", "10:08", "10:07", "10:06", "10:05", "10:04", "10:03", "10:02", "10:01", "10:00"]],
  ])("finds %j", async (query, expected) => {
    const { ctx } = await richTenant();
    // Before the tenant's own creation events (now).
    expect(times((await listAuditEvents(ctx, { to: "2026-03-02T00:00:00Z", ...query })).events)).toEqual(expected);
  });

  it("finds an id among another tenant's events only in its own tenant", async () => {
    const { ctx } = await richTenant();
    const other = await richTenant();
    const found = (await listAuditEvents(ctx, { q: "ORD-93817" })).events;
    expect(found).toHaveLength(1);
    expect(found[0]!.tenantId).toBe(ctx.tenant.id);
    expect(other.ctx.tenant.id).not.toBe(ctx.tenant.id);
  });

  it("returns the stored record without its sealed payload or search vector, and says whether a full payload is kept", async () => {
    const { ctx } = await richTenant();
    const { events } = await listAuditEvents(ctx, { approval: "apr_held1", kind: "agent" });
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).not.toHaveProperty("sealedPayload");
    expect(event).not.toHaveProperty("search");
    expect(JSON.stringify(event)).not.toContain("sealed:v1");
    expect(event).toMatchObject({ hasFullPayload: true, redactions: [{ path: "args.email", reason: "pii:email" }], arguments: { email: "[redacted:pii:email]" } });
    const [plain] = (await listAuditEvents(ctx, { q: "ORD-93817" })).events;
    expect(plain).toMatchObject({ hasFullPayload: false, result: { content: [{ type: "text", text: "Refunded ORD-93817" }] }, resultBytes: 48, resultTruncated: false });
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" }, "to", "Must not be before `from`."],
    [{ minLatencyMs: 500, maxLatencyMs: 100 }, "maxLatencyMs", "Must not be below `minLatencyMs`."],
    [{ minLatencyMs: "fast" }, "minLatencyMs", "Use a whole number of milliseconds from 0 to 86400000."],
    [{ maxLatencyMs: -1 }, "maxLatencyMs", "Use a whole number of milliseconds from 0 to 86400000."],
    [{ maxLatencyMs: 1.5 }, "maxLatencyMs", "Use a whole number of milliseconds from 0 to 86400000."],
    [{ q: "x".repeat(201) }, "q", "Search text is at most 200 characters."],
    [{ q: "-- !!" }, "q", "Search for a word, a number or an id (punctuation alone finds nothing)."],
    [{ kind: "robots" }, "kind", "Kind is one of: agent, approval, sign_in, admin."],
    [{ severity: "panic" }, "severity", "Severity is one of: alert."],
    [{ decision: "approval" }, "decision", "Decision is one of: allowed, denied, approval_required, none."],
    [{ member: "m".repeat(201) }, "member", "Too big: expected string to have <=200 characters"],
  ])("refuses %j with a field error", async (query, field, message) => {
    const { ctx } = await richTenant();
    const error = await expectAppError(listAuditEvents(ctx, query as AuditQueryInput), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
    expect(() => parseAuditQuery(query)).toThrow(message);
  });

  it("parseAuditQuery gives the parsed filters; searchAuditEvents pages them", async () => {
    const { ctx } = await richTenant();
    const query = parseAuditQuery({ kind: "agent", from: "2026-03-01T10:00:00Z", minLatencyMs: "0", q: " refund " });
    expect(query).toMatchObject({ kind: "agent", from: new Date("2026-03-01T10:00:00Z"), minLatencyMs: 0, q: "refund" });
    const first = await searchAuditEvents(ctx, query, { limit: 1 });
    expect(times(first.events)).toEqual(["10:02"]);
    const second = await searchAuditEvents(ctx, query, { limit: 1, cursor: first.nextCursor });
    expect(times(second.events)).toEqual(["10:00"]);
    expect(second.nextCursor).toBeNull();
    await expectAppError(searchAuditEvents(ctx, query, { limit: 0 }), "validation_failed");
    await expectAppError(searchAuditEvents(ctx, query, { limit: 10_001 }), "validation_failed");
    await expectAppError(searchAuditEvents(ctx, query, { limit: 5, cursor: "nope" }), "validation_failed", "The cursor is not one this API gave out.");
    await expectAppError(searchAuditEvents((await createTestMember(ctx, "viewer")).ctx, query, { limit: 5 }), "forbidden");
  });
});

describe("getAuditEvent", () => {
  it("gives the whole event, its place in the chain and its neighbours, and the events of its approval", async () => {
    const { ctx, ids } = await richTenant();
    const detail = await getAuditEvent(ctx, ids[2]!);
    // The tenant's creation came first in its chain.
    const start = (await getAuditEvent(ctx, ids[0]!)).chain.seq! - 1;
    expect(detail.event).toMatchObject({ id: ids[2], approvalId: "apr_held1", hasFullPayload: true, seq: start + 3 });
    expect(detail.event).not.toHaveProperty("sealedPayload");
    expect(detail.chain).toMatchObject({ seq: start + 3, headSeq: start + 10, previousId: ids[1], nextId: ids[3] });
    expect(detail.chain.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.chain.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const previous = await getAuditEvent(ctx, ids[1]!);
    expect(detail.chain.prevHash).toBe(previous.chain.hash);
    expect(detail.approvalEvents.map((e) => e.id)).toEqual([ids[2], ids[3], ids[4]]);

    const first = await getAuditEvent(ctx, ids[0]!);
    expect(first.chain).toMatchObject({ seq: start + 1, nextId: ids[1] });
    expect(first.approvalEvents).toEqual([]);
    expect((await getAuditEvent(ctx, ids[9]!)).chain).toMatchObject({ seq: start + 10, headSeq: start + 10, previousId: ids[8], nextId: null });
  });

  it("does not find another tenant's event, an unknown id or a malformed one, and refuses viewers", async () => {
    const { ctx, ids } = await richTenant();
    const other = await richTenant();
    await expectAppError(getAuditEvent(other.ctx, ids[0]!), "not_found", `Audit event "${ids[0]}" was not found.`);
    await expectAppError(getAuditEvent(ctx, "evt_doesnotexist"), "not_found");
    await expectAppError(getAuditEvent(ctx, "'; drop table audit_events; --"), "not_found");
    await expectAppError(getAuditEvent(ctx, "evt_" + "a".repeat(500)), "not_found");
    await expectAppError(getAuditEvent((await createTestMember(ctx, "viewer")).ctx, ids[0]!), "forbidden");
    expect((await getAuditEvent((await createTestMember(ctx, "auditor")).ctx, ids[0]!)).event.id).toBe(ids[0]);
  });
});

describe("free-text search at scale", () => {
  it("may use its index under row-level security (migration 0009 marks `tsvector @@ tsquery` leakproof)", async () => {
    await getDatabase(); // migrated
    const [row] = await superuserQuery<{ leakproof: boolean }>("select proleakproof as leakproof from pg_proc where proname = 'ts_match_vq'");
    expect(row?.leakproof).toBe(true);
  });
});
