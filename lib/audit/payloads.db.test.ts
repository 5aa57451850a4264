import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, userIdOf, type TestMember } from "@/test/factories";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { connectAgent, createGatewayTenant, type GatewayTenant } from "@/test/gateway";
import { auditOf, toolCallEvents } from "@/test/policy";
import { superuserQuery } from "@/test/superuser";
import { readFullPayload } from "./payloads";
import { updateAuditSettings } from "./settings";

// Full payloads: a tenant that keeps them stores the unredacted arguments and
// result of each request sealed (bound to tenant and event); people with
// audit.read_payloads open them, and each opening is itself an audit event.

const CANARY = `sk_live_${randomBytes(18).toString("hex")}`;

let fixture: FixtureHttp;
let gw: GatewayTenant;
let client: Client;
let auditor: TestMember;

beforeAll(async () => {
  fixture = await startFixtureHttp();
  gw = await createGatewayTenant({ server: { transport: "streamable_http", url: fixture.url }, rules: [{ server: "fixture", pattern: "*", effect: "allow" }] });
  auditor = await createTestMember(gw.ctx, "auditor");
  client = await connectAgent(gw.slug, gw.key);
});
afterAll(async () => {
  await client?.close();
  await fixture?.close();
});

const lastCall = async () => (await toolCallEvents(gw.ctx.tenant.id)).at(-1)!;

describe("full payloads", () => {
  it("are not kept by default: reading one gives null", async () => {
    await client.callTool({ name: "fixture__echo", arguments: { message: "plain" } });
    const event = await lastCall();
    expect(event.sealedPayload).toBeNull();
    expect(await readFullPayload(auditor.ctx, event.id)).toBeNull();
  });

  it("once kept, open for an auditor exactly as the agent sent and got them, while the stored copy stays redacted", async () => {
    await updateAuditSettings(gw.ctx, { fullPayloads: true });
    const args = { message: `pay with ${CANARY}`, email: "ada@example.com" };
    const result = await client.callTool({ name: "fixture__echo", arguments: args });
    const event = await lastCall();
    expect(event.arguments).toEqual({ message: "pay with [REDACTED:secret:stripe_key]", email: "[REDACTED:pii:email]" });
    expect(event.sealedPayload).toMatch(/^v1\./);
    expect(event.sealedPayload).not.toContain(CANARY);

    expect(await readFullPayload(auditor.ctx, event.id)).toEqual({ arguments: args, result: JSON.parse(JSON.stringify(result)) });
    const [read] = (await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.payload_read");
    expect(read).toMatchObject({ actorKind: "user", actorId: userIdOf(auditor.ctx), targetType: "audit_event", targetId: event.id, targetName: "tools/call echo" });
    // The owner may read them too.
    expect((await readFullPayload(gw.ctx, event.id))?.arguments).toEqual(args);
  });

  it("are refused to admins, reviewers and viewers, and a refusal reveals and records nothing", async () => {
    const event = await lastCall();
    const reads = async () => (await auditOf(gw.ctx.tenant.id)).filter((e) => e.action === "audit.payload_read").length;
    const before = await reads();
    for (const role of ["admin", "reviewer", "viewer"] as const) {
      const member = await createTestMember(gw.ctx, role);
      await expectAppError(() => readFullPayload(member.ctx, event.id), "forbidden", /read the full, unredacted payloads/);
    }
    expect(await reads()).toBe(before);
  });

  it("are not found for an unknown event or another tenant's", async () => {
    const event = await lastCall();
    await expectAppError(() => readFullPayload(auditor.ctx, "evt_00000000000000000000"), "not_found");
    const other = await createTestTenant();
    await expectAppError(() => readFullPayload(other, event.id), "not_found");
  });

  it("do not open when moved onto another event: the seal is bound to its event", async () => {
    await client.callTool({ name: "fixture__add", arguments: { a: 1, b: 2 } });
    const [first, second] = (await toolCallEvents(gw.ctx.tenant.id)).slice(-2);
    await superuserQuery("update audit_events set sealed_payload = $3 where tenant_id = $1 and id = $2", [gw.ctx.tenant.id, second!.id, first!.sealedPayload]);
    await expectAppError(() => readFullPayload(auditor.ctx, second!.id), "conflict", /cannot be opened/);
  });
});
