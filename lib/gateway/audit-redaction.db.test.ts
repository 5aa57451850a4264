import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { decideApproval } from "@/lib/approvals/decide";
import { updateAuditSettings } from "@/lib/audit/settings";
import { canonicalHash, canonicalJson } from "@/lib/canonical-json";
import { createTestMember, uniqueSuffix } from "@/test/factories";
import { approvalIdIn, approvalRow, auditOf, connect, createPolicyTenant, textOf, toolCallEvents, upstreamRuns, type PolicyTenant } from "@/test/policy";
import { superuserQuery } from "@/test/superuser";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { connectAgent, createGatewayTenant, type GatewayTenant } from "@/test/gateway";

// Redaction before storage, through the real gateway with the real SDK client
// and the fixture upstream: a canary secret reaches the agent intact and no
// table or log line; a huge result is stored cut, with its true size and hash;
// a failed audit write fails the call, unless the tenant fails open.

/** A fresh Stripe-style live key and a JWT, random per run, so a hit can only come from this test. */
const STRIPE_CANARY = `sk_live_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`;
const JWT_CANARY = [{ alg: "HS256", typ: "JWT" }, { sub: `canary-${uniqueSuffix()}`, iat: 1_700_000_000 }]
  .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
  .concat(randomBytes(32).toString("base64url"))
  .join(".");
const CANARIES = [STRIPE_CANARY, JWT_CANARY];

const logged: string[] = [];
beforeEach(() => {
  logged.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

/** When this file began: every audit event it causes is written after it. */
const FILE_STARTED = new Date(Date.now() - 60_000);

/**
 * Every table of the database whose rows, as text, hold `needle` (read as the
 * superuser, past row-level security). Audit events are looked at from when
 * this file began: other files share the database and may have seeded a
 * million events, whose rows would each be turned into text for nothing.
 */
async function tablesHolding(needle: string): Promise<string[]> {
  const tables = await superuserQuery<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
  );
  const holding: string[] = [];
  for (const { table_name } of tables) {
    const recent = table_name === "audit_events" ? "t.occurred_at >= $2 and" : "";
    const [row] = await superuserQuery<{ n: string }>(
      `select count(*) as n from "${table_name}" t where ${recent} t::text like $1`,
      table_name === "audit_events" ? [`%${needle}%`, FILE_STARTED] : [`%${needle}%`],
    );
    if (Number(row!.n) > 0) holding.push(table_name);
  }
  return holding;
}

async function expectNowhere(): Promise<void> {
  for (const canary of CANARIES) {
    expect(await tablesHolding(canary), "tables holding the canary").toEqual([]);
    expect(logged.join("\n"), "the server log holds the canary").not.toContain(canary);
    // Not even a recognisable piece of it.
    expect(await tablesHolding(canary.slice(-16))).toEqual([]);
  }
}

describe("a canary secret in arguments and result", () => {
  let fixture: FixtureHttp;
  let gw: GatewayTenant;
  let client: Client;
  beforeAll(async () => {
    fixture = await startFixtureHttp();
    gw = await createGatewayTenant({ server: { transport: "streamable_http", url: fixture.url }, rules: [{ server: "fixture", pattern: "*", effect: "allow" }] });
    client = await connectAgent(gw.slug, gw.key);
  });
  afterAll(async () => {
    await client?.close();
    await fixture?.close();
  });

  it("reaches the upstream and comes back to the agent intact, and is in no table and no log line", async () => {
    const args = { message: `charge with ${STRIPE_CANARY}`, context: JWT_CANARY, contact: "ada@example.com" };
    const result = await client.callTool({ name: "fixture__echo", arguments: args });
    expect(textOf(result)).toBe(JSON.stringify(args));
    expect(fixture.record.calls.at(-1)?.arguments).toEqual(args);

    const [event] = (await toolCallEvents(gw.ctx.tenant.id)).slice(-1);
    expect(event!.arguments).toEqual({ message: "charge with [REDACTED:secret:stripe_key]", context: "[REDACTED:secret:jwt]", contact: "[REDACTED:pii:email]" });
    expect(event!.result).toEqual({
      content: [{ type: "text", text: JSON.stringify({ message: "charge with [REDACTED:secret:stripe_key]", context: "[REDACTED:secret:jwt]", contact: "[REDACTED:pii:email]" }) }],
    });
    expect(event!.redactions).toEqual([
      { path: "args.message", reason: "secret:stripe_key" },
      { path: "args.context", reason: "secret:jwt" },
      { path: "args.contact", reason: "pii:email" },
      { path: "result.content[0].text", reason: "secret:stripe_key" },
      { path: "result.content[0].text", reason: "secret:jwt" },
      { path: "result.content[0].text", reason: "pii:email" },
    ]);
    expect(event).toMatchObject({ resultTruncated: false, resultBytes: Buffer.byteLength(canonicalJson(result)), resultHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(event!.sealedPayload).toBeNull();
    await expectNowhere();
  });

  it("is masked in what the gateway says around the call too: an unknown tool's name, a resource's URI", async () => {
    const failure = await client.callTool({ name: `fixture__x_${STRIPE_CANARY}`, arguments: {} }).catch((e: unknown) => e);
    expect((failure as McpError).message).toContain(STRIPE_CANARY);
    const [event] = (await toolCallEvents(gw.ctx.tenant.id)).slice(-1);
    expect(event).toMatchObject({ decision: "denied", tool: "fixture__x_[REDACTED:secret:stripe_key]" });
    await client.readResource({ uri: `postgres://app:${STRIPE_CANARY}@db.internal/orders` }).catch(() => undefined);
    await expectNowhere();
  });

  it("an agent's huge tool name is cut before it is redacted: the call is refused quickly and the event keeps 1000 characters", async () => {
    const name = "eyJ_".repeat(25_000);
    const started = performance.now();
    const failure = await client.callTool({ name, arguments: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(McpError);
    expect(performance.now() - started).toBeLessThan(2_000);
    const [event] = (await toolCallEvents(gw.ctx.tenant.id)).slice(-1);
    expect(event).toMatchObject({ decision: "denied", tool: name.slice(0, 1000) });
    expect(event!.error!.length).toBeLessThanOrEqual(2000);
  });

  it("a huge result (5 MB) reaches the agent whole and is stored cut to the limit, with its true size and hash", async () => {
    const bytes = 5 * 1024 * 1024;
    const result = await client.callTool({ name: "fixture__big_result", arguments: { bytes } });
    expect(textOf(result)).toHaveLength(bytes);
    const [event] = (await toolCallEvents(gw.ctx.tenant.id)).slice(-1);
    expect(event).toMatchObject({ tool: "big_result", outcome: "ok", resultTruncated: true, resultBytes: Buffer.byteLength(canonicalJson(result)), resultHash: canonicalHash(result) });
    expect(event!.resultBytes).toBeGreaterThan(bytes);
    const stored = event!.result as { _truncated: boolean; _bytes: number; _preview: string };
    expect(stored).toMatchObject({ _truncated: true, _bytes: event!.resultBytes });
    expect(stored._preview.startsWith('{"content":[{"type":"text","text":"xxxx')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(16_384);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeGreaterThan(15_000);
  });
});

describe("a canary secret in a call held for approval", () => {
  let pt: PolicyTenant;
  let client: Client;
  beforeAll(async () => {
    pt = await createPolicyTenant({
      approvalWaitSeconds: 0,
      roles: {
        agent: [
          { server: "fixture", pattern: "*", effect: "allow" },
          { server: "fixture", pattern: "refund", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } },
        ],
      },
    });
    client = await connect(pt);
  });
  afterAll(async () => {
    await client?.close();
    await pt?.fixture.close();
  });

  it("is shown to reviewers redacted, never stored, and the approved call still runs the exact original arguments", async () => {
    const args = { amount: 42, customer: `cus_1 ${STRIPE_CANARY}`, note: JWT_CANARY };
    const held = await client.callTool({ name: "fixture__refund", arguments: args });
    const id = approvalIdIn(textOf(held));
    const row = await approvalRow(pt.tenantId, id);
    expect(row.arguments).toEqual({ amount: 42, customer: "cus_1 [REDACTED:secret:stripe_key]", note: "[REDACTED:secret:jwt]" });
    // The binding stays over what the agent sent: only the identical call can use the approval.
    expect(row.argumentsHash).toBe(canonicalHash(args));
    await expectNowhere();

    const reviewer = await createTestMember(pt.ctx, "reviewer");
    const decided = await decideApproval(reviewer.ctx, id, { decision: "approve", comment: "" });
    expect(decided.arguments).toEqual(row.arguments);
    // A different call (here, the redacted arguments themselves) does not use it.
    const other = await client.callTool({ name: "fixture__refund", arguments: row.arguments as Record<string, unknown> });
    expect(approvalIdIn(textOf(other))).not.toBe(id);
    const ran = await client.callTool({ name: "fixture__refund", arguments: args });
    expect(textOf(ran)).toBe("refunded 42");
    expect(upstreamRuns(pt.fixture, "refund", args)).toBe(1);
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "consumed" });

    const events = await auditOf(pt.tenantId, id);
    expect(events.map((e) => e.action)).toEqual(["approval.requested", "mcp.request", "approval.approved", "approval.consumed", "mcp.request"]);
    for (const event of events) {
      expect(event.arguments).toEqual(row.arguments);
      // In jsonb's key order (the approval events redact the stored copy), so compared as a set.
      expect([...event.redactions!].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: "args.customer", reason: "secret:stripe_key" },
        { path: "args.note", reason: "secret:jwt" },
      ]);
    }
    await expectNowhere();
  });
});

describe("when the audit write fails", () => {
  let fixture: FixtureHttp;
  let gw: GatewayTenant;
  let client: Client;
  const trigger = `test_refuse_audit_${uniqueSuffix()}`;

  /** Makes every audit write of this tenant fail, by a real database condition: a trigger that raises. */
  async function refuseAuditWrites(): Promise<void> {
    await superuserQuery(`create function ${trigger}() returns trigger language plpgsql as $$ begin raise exception 'audit writes are refused by the test'; end $$`);
    await superuserQuery(`create trigger ${trigger} before insert on audit_events for each row when (new.tenant_id = '${gw.ctx.tenant.id}') execute function ${trigger}()`);
  }
  async function allowAuditWrites(): Promise<void> {
    await superuserQuery(`drop trigger if exists ${trigger} on audit_events`);
    await superuserQuery(`drop function if exists ${trigger}()`);
  }

  beforeAll(async () => {
    fixture = await startFixtureHttp();
    gw = await createGatewayTenant({ server: { transport: "streamable_http", url: fixture.url }, rules: [{ server: "fixture", pattern: "*", effect: "allow" }] });
    client = await connectAgent(gw.slug, gw.key);
  });
  afterAll(async () => {
    await allowAuditWrites();
    await client?.close();
    await fixture?.close();
  });

  const eventCount = async () => Number((await superuserQuery<{ n: string }>("select count(*) as n from audit_events where tenant_id = $1", [gw.ctx.tenant.id]))[0]!.n);

  it("fails closed by default: the agent gets an error, not the upstream's result", async () => {
    const before = await eventCount();
    await refuseAuditWrites();
    try {
      const failure = await client.callTool({ name: "fixture__echo", arguments: { message: STRIPE_CANARY } }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(McpError);
      expect((failure as McpError).message).toMatch(/could not write this request to the audit log, so its answer is withheld/);
      expect((failure as McpError).message).not.toContain(STRIPE_CANARY);
    } finally {
      await allowAuditWrites();
    }
    expect(upstreamRuns(fixture, "echo", { message: STRIPE_CANARY })).toBe(1);
    expect(await eventCount()).toBe(before);
    expect(logged.join("\n")).toMatch(/\[audit\] the audit event of a tools\/call request .* could not be written \(database error P0001: audit writes are refused by the test\); the request was refused/);
    await expectNowhere();
  });

  it("fails open when the tenant says so: answered, logged without the payload, and an alert written once the log takes writes again", async () => {
    await updateAuditSettings(gw.ctx, { failOpen: true });
    const [switched] = (await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit_settings.updated").slice(-1);
    expect(switched).toMatchObject({ severity: "alert", before: expect.objectContaining({ failOpen: false }), after: expect.objectContaining({ failOpen: true }) });

    await refuseAuditWrites();
    try {
      const answered = await client.callTool({ name: "fixture__echo", arguments: { message: STRIPE_CANARY } });
      expect(textOf(answered)).toBe(JSON.stringify({ message: STRIPE_CANARY }));
      const again = await client.callTool({ name: "fixture__add", arguments: { a: 1, b: 2 } });
      expect(textOf(again)).toBe("3");
    } finally {
      await allowAuditWrites();
    }
    expect(logged.join("\n")).toMatch(/could not be written \(database error P0001: audit writes are refused by the test\); answered anyway/);
    expect((await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.write_failed")).toHaveLength(0);

    // The next request is written, and so is the alert about the ones that were not.
    await client.callTool({ name: "fixture__add", arguments: { a: 2, b: 2 } });
    const alerts = (await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.write_failed");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: "alert", outcome: "error", error: "database error P0001: audit writes are refused by the test" });
    expect(alerts[0]!.reason).toMatch(/^2 agent requests were answered without an audit event between .+ \(the tenant's audit log fails open\)$/);
    // Reported once.
    await client.callTool({ name: "fixture__add", arguments: { a: 3, b: 2 } });
    expect((await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.write_failed")).toHaveLength(1);
    await expectNowhere();
  });
});

describe("when the database refuses what an event holds (a data error)", () => {
  let fixture: FixtureHttp;
  let gw: GatewayTenant;
  let client: Client;
  const trigger = `test_refuse_payload_${uniqueSuffix()}`;
  /** Only events whose payloads hold this are refused: the agent chooses it, as an attacker would. */
  const POISON = `poison-${uniqueSuffix()}`;

  /** A real database condition: a trigger that raises `sqlstate` for this tenant's events whose arguments or result hold POISON. */
  async function refusePoisonedEvents(sqlstate: string): Promise<void> {
    await superuserQuery(
      `create function ${trigger}() returns trigger language plpgsql as $$ begin
         if coalesce(new.arguments::text, '') like '%${POISON}%' or coalesce(new.result::text, '') like '%${POISON}%' then
           raise exception 'the test refuses this payload' using errcode = '${sqlstate}';
         end if;
         return new;
       end $$`,
    );
    await superuserQuery(`create trigger ${trigger} before insert on audit_events for each row when (new.tenant_id = '${gw.ctx.tenant.id}') execute function ${trigger}()`);
  }
  async function allowEvents(): Promise<void> {
    await superuserQuery(`drop trigger if exists ${trigger} on audit_events`);
    await superuserQuery(`drop function if exists ${trigger}()`);
  }
  const requestEvents = async () => (await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "mcp.request");

  beforeAll(async () => {
    fixture = await startFixtureHttp();
    gw = await createGatewayTenant({ server: { transport: "streamable_http", url: fixture.url }, rules: [{ server: "fixture", pattern: "*", effect: "allow" }] });
    client = await connectAgent(gw.slug, gw.key);
  });
  afterEach(allowEvents);
  afterAll(async () => {
    await allowEvents();
    await client?.close();
    await fixture?.close();
  });

  it.each([
    ["a fail-closed", false, "22023"],
    ["a fail-open", true, "23514"],
  ])("%s tenant answers and records the call without its payloads, as an alert (class 22 and 23)", async (_name, failOpen, sqlstate) => {
    await updateAuditSettings(gw.ctx, { failOpen });
    await refusePoisonedEvents(sqlstate);
    const args = { message: `${POISON} ${STRIPE_CANARY}` };
    const answered = await client.callTool({ name: "fixture__echo", arguments: args });
    expect(textOf(answered)).toBe(JSON.stringify(args));

    const [event] = (await requestEvents()).slice(-1);
    expect(event).toMatchObject({
      method: "tools/call",
      server: "fixture",
      tool: "echo",
      decision: "allowed",
      outcome: "ok",
      severity: "alert",
      arguments: { _unrecordable: sqlstate },
      result: { _unrecordable: sqlstate },
      redactions: null,
      sealedPayload: null,
      agentId: gw.agentId,
    });
    expect(logged.join("\n")).toMatch(new RegExp(`could not be written \\(database error ${sqlstate}: the test refuses this payload\\); recorded without its arguments and result, as an alert`));
    // Recorded, so nothing is pending for a fail-open tenant's write_failed alert.
    await allowEvents();
    await client.callTool({ name: "fixture__add", arguments: { a: 1, b: 1 } });
    expect((await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.write_failed")).toHaveLength(0);
    expect(await tablesHolding(POISON)).toEqual([]);
    await expectNowhere();
  });

  it("an unpoisoned call is recorded whole meanwhile", async () => {
    await updateAuditSettings(gw.ctx, { failOpen: false });
    await refusePoisonedEvents("22023");
    await client.callTool({ name: "fixture__echo", arguments: { message: "plain" } });
    const [event] = (await requestEvents()).slice(-1);
    expect(event).toMatchObject({ severity: null, arguments: { message: "plain" }, result: { content: [{ type: "text", text: '{"message":"plain"}' }] } });
  });

  it("a failure of the database itself (class 53, 08, 57) is not retried: the tenant's setting decides at once", async () => {
    await updateAuditSettings(gw.ctx, { failOpen: false });
    for (const sqlstate of ["53100", "08006", "57014"]) {
      await refusePoisonedEvents(sqlstate);
      const before = (await requestEvents()).length;
      const failure = await client.callTool({ name: "fixture__echo", arguments: { message: POISON } }).catch((e: unknown) => e);
      expect(failure, sqlstate).toBeInstanceOf(McpError);
      expect((failure as McpError).message).toMatch(/could not write this request to the audit log/);
      expect((await requestEvents()).length, sqlstate).toBe(before);
      expect(logged.join("\n")).toMatch(new RegExp(`could not be written \\(database error ${sqlstate}: the test refuses this payload\\); the request was refused`));
      expect(logged.join("\n")).not.toMatch(/recorded without its arguments/);
      await allowEvents();
      logged.length = 0;
    }
  });
});
