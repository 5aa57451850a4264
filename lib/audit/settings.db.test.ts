import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET, PATCH } from "@/app/api/v1/tenants/[tenant]/audit-settings/route";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { getSnapshot } from "@/lib/gateway/snapshot";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, userIdOf } from "@/test/factories";
import { auditOf } from "@/test/policy";
import { superuserQuery } from "@/test/superuser";
import { getAuditSettings, updateAuditSettings, type AuditSettings } from "./settings";

// next-auth (the console's cookie session) cannot load outside Next.js; no request
// here carries a cookie, so it is faked as "nobody signed in" (see decision-api.db.test.ts).
vi.mock("next-auth", () => ({
  default: () => ({ handlers: {}, auth: async () => null, signIn: async () => undefined, signOut: async () => undefined }),
  CredentialsSignin: class extends Error {},
  AuthError: class extends Error {},
}));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

const DEFAULTS: AuditSettings = {
  failOpen: false,
  resultMaxBytes: 16_384,
  fullPayloads: false,
  retentionDays: null,
  redaction: { detectors: ["email", "phone", "card", "iban"], fieldRules: [] },
};

let ctx: TenantContext;
beforeAll(async () => {
  ctx = await createTestTenant();
});

/** The tenant's settings row and its settings events, to show that a refusal changed nothing. */
async function state(tenant = ctx) {
  const [row] = await superuserQuery(
    "select audit_fail_open, audit_result_max_bytes, audit_full_payloads, audit_retention_days, audit_redaction from tenants where id = $1",
    [tenant.tenant.id],
  );
  const events = (await auditOf(tenant.tenant.id)).filter((e) => e.action === "audit_settings.updated").length;
  return { row, events };
}

describe("audit settings", () => {
  it("start at the defaults, readable by every member", async () => {
    const viewer = await createTestMember(ctx, "viewer");
    expect(await getAuditSettings(viewer.ctx)).toEqual(DEFAULTS);
  });

  it("change only what is given, with an audit event of before and after in the same transaction", async () => {
    const admin = await createTestMember(ctx, "admin");
    const after = await updateAuditSettings(admin.ctx, {
      resultMaxBytes: 4096,
      retentionDays: 90,
      redaction: { detectors: ["card", "email", "card"], fieldRules: [{ path: "args.password_hint" }, { path: "result.content[*].text", reason: "tool output" }] },
    });
    const expected = {
      ...DEFAULTS,
      resultMaxBytes: 4096,
      retentionDays: 90,
      redaction: { detectors: ["email", "card"], fieldRules: [{ path: "args.password_hint" }, { path: "result.content[*].text", reason: "tool output" }] },
    };
    expect(after).toEqual(expected);
    expect(await getAuditSettings(ctx)).toEqual(expected);
    const [event] = (await auditOf(ctx.tenant.id)).filter((e) => e.action === "audit_settings.updated").slice(-1);
    expect(event).toMatchObject({
      actorKind: "user",
      actorId: userIdOf(admin.ctx),
      targetType: "settings",
      targetId: ctx.tenant.id,
      // Two PII detectors off and a retention where there was none: the log keeps less.
      severity: "alert",
      reason: "PII detection turned off: phone, iban; events are now kept 90 days (before: kept forever)",
      before: DEFAULTS,
      after: expected,
    });

    // The other fields stay; null clears the retention.
    expect(await updateAuditSettings(ctx, { retentionDays: null })).toEqual({ ...expected, retentionDays: null });
  });

  it("switching to fail open is an alert; the gateway's snapshot sees every change", async () => {
    const tenant = await createTestTenant();
    expect((await getSnapshot(tenant.tenant.slug))!.audit).toMatchObject({ failOpen: false, fullPayloads: false, resultMaxBytes: 16_384 });
    await updateAuditSettings(tenant, { failOpen: true, fullPayloads: true, resultMaxBytes: 2048 });
    expect((await getSnapshot(tenant.tenant.slug))!.audit).toMatchObject({ failOpen: true, fullPayloads: true, resultMaxBytes: 2048 });
    const [event] = (await auditOf(tenant.tenant.id)).filter((e) => e.action === "audit_settings.updated");
    expect(event).toMatchObject({ severity: "alert", reason: expect.stringMatching(/fails open/) });

    await updateAuditSettings(tenant, { failOpen: false, redaction: { fieldRules: [{ path: "args.secret_answer" }] } });
    const snapshot = (await getSnapshot(tenant.tenant.slug))!;
    expect(snapshot.audit.failOpen).toBe(false);
    expect(snapshot.audit.redactor.redact("args", { secret_answer: "blue" }).value).toEqual({ secret_answer: "[REDACTED:rule:args.secret_answer]" });
    const events = (await auditOf(tenant.tenant.id)).filter((e) => e.action === "audit_settings.updated");
    expect(events.map((e) => e.severity)).toEqual(["alert", null]);
  });

  it("every change that weakens the log is an alert naming it; strengthening it is not", async () => {
    const tenant = await createTestTenant();
    const last = async () => (await auditOf(tenant.tenant.id)).filter((e) => e.action === "audit_settings.updated").at(-1)!;
    const cases: [string, Parameters<typeof updateAuditSettings>[1], "alert" | null, RegExp | null][] = [
      ["add a field rule and a retention period", { retentionDays: 365, redaction: { fieldRules: [{ path: "args.ssn" }, { path: "args.dob" }] } }, "alert", /kept 365 days \(before: kept forever\)/],
      ["lengthen the retention", { retentionDays: 400 }, null, null],
      ["keep every event", { retentionDays: null }, null, null],
      ["shorten the retention", { retentionDays: 400 }, "alert", /kept 400 days/],
      ["shorten it again", { retentionDays: 30 }, "alert", /^events are now kept 30 days \(before: 400 days\)$/],
      ["remove a field rule", { redaction: { fieldRules: [{ path: "args.dob" }] } }, "alert", /^redaction field rules removed: args\.ssn$/],
      ["add one back", { redaction: { fieldRules: [{ path: "args.dob" }, { path: "args.ssn" }] } }, null, null],
      ["turn a PII detector off", { redaction: { detectors: ["email", "card", "iban"] } }, "alert", /^PII detection turned off: phone$/],
      ["turn it on again", { redaction: { detectors: ["email", "phone", "card", "iban"] } }, null, null],
      ["keep full payloads", { fullPayloads: true }, "alert", /^full payloads are now kept/],
      ["stop keeping them", { fullPayloads: false }, null, null],
      ["fail open", { failOpen: true }, "alert", /fails open/],
      ["fail closed", { failOpen: false }, null, null],
      ["change the result size", { resultMaxBytes: 2048 }, null, null],
    ];
    for (const [name, input, severity, reason] of cases) {
      await updateAuditSettings(tenant, input);
      const event = await last();
      expect(event.severity, name).toBe(severity);
      if (reason) expect(event.reason, name).toMatch(reason);
      else expect(event.reason, name).toBeNull();
    }
    // Several weakenings at once are all named.
    await updateAuditSettings(tenant, { failOpen: true, fullPayloads: true, retentionDays: 7, redaction: { detectors: [], fieldRules: [] } });
    expect((await last()).reason!.split("; ")).toHaveLength(5);
  });

  it("an update that changes nothing writes nothing", async () => {
    const before = await state();
    const current = await getAuditSettings(ctx);
    expect(await updateAuditSettings(ctx, {})).toEqual(current);
    expect(await updateAuditSettings(ctx, { failOpen: current.failOpen, redaction: { detectors: current.redaction.detectors } })).toEqual(current);
    expect(await state()).toEqual(before);
  });

  it.each([
    ["a result size below 1 KiB", { resultMaxBytes: 100 }, "resultMaxBytes", /at least 1024 bytes/],
    ["a result size above 1 MiB", { resultMaxBytes: 2_000_000 }, "resultMaxBytes", /at most 1048576 bytes/],
    ["a fractional size", { resultMaxBytes: 2048.5 }, "resultMaxBytes", /whole bytes/],
    ["a size as text", { resultMaxBytes: "4096" }, "resultMaxBytes", /whole bytes/],
    ["no retention days", { retentionDays: 0 }, "retentionDays", /1 to 3650 days/],
    ["too many retention days", { retentionDays: 3651 }, "retentionDays", /1 to 3650 days/],
    ["fail-open as text", { failOpen: "yes" }, "failOpen", /true or false/],
    ["an unknown detector", { redaction: { detectors: ["email", "ssn"] } }, "redaction.detectors.1", /email, phone, card, iban/],
    ["a path outside args and result", { redaction: { fieldRules: [{ path: "args.ok" }, { path: "password" }] } }, "redaction.fieldRules.1.path", /^Rule 2 \(password\): A path starts with "args" or "result"/],
    ["a malformed step", { redaction: { fieldRules: [{ path: "args.items[x]" }] } }, "redaction.fieldRules.0.path", /^Rule 1 \(args\.items\[x\]\): Inside \[ \] comes an index or \*/],
    ["a repeated path", { redaction: { fieldRules: [{ path: "args.a" }, { path: "args.a" }] } }, "redaction.fieldRules.1.path", /repeats an earlier rule/],
    ["a reason that would break the marker", { redaction: { fieldRules: [{ path: "args.a", reason: "x]y" }] } }, "redaction.fieldRules.0.reason", /letters, digits/],
    ["51 rules", { redaction: { fieldRules: Array.from({ length: 51 }, (_, i) => ({ path: `args.f${i}` })) } }, "redaction.fieldRules", /At most 50 field rules/],
    ["an unknown setting", { keepForever: true }, "_", /keepForever/],
  ])("refuse %s with a clear message and change nothing", async (_name, input, field, message) => {
    const before = await state();
    const error = await expectAppError(() => updateAuditSettings(ctx, input as never), "validation_failed");
    expect(Object.keys(error.fields ?? {})).toContain(field);
    expect(error.fields![field]!.join(" ")).toMatch(message);
    expect(await state()).toEqual(before);
  });

  it("cannot be changed by an auditor, a reviewer or a viewer", async () => {
    const before = await state();
    for (const role of ["auditor", "reviewer", "viewer"] as const) {
      const member = await createTestMember(ctx, role);
      await expectAppError(() => updateAuditSettings(member.ctx, { failOpen: true }), "forbidden", /does not allow this: change how the audit log records/);
    }
    expect(await state()).toEqual(before);
  });
});

describe("/api/v1/tenants/{tenant}/audit-settings", () => {
  const url = () => `http://127.0.0.1:3999/api/v1/tenants/${ctx.tenant.slug}/audit-settings`;
  const params = () => ({ params: Promise.resolve({ tenant: ctx.tenant.slug }) });
  const patch = (token: string, body: unknown) =>
    PATCH(new Request(url(), { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), params());

  it("an auditor's token reads them and is refused a change (403), which changes nothing", async () => {
    const { secret } = await createAdminToken(ctx, { name: "auditor bot", role: "auditor" });
    const read = await GET(new Request(url(), { headers: { authorization: `Bearer ${secret}` } }), params());
    expect(read.status).toBe(200);
    expect((await read.json()).settings).toEqual(await getAuditSettings(ctx));

    const before = await state();
    const res = await patch(secret, { failOpen: true, fullPayloads: true });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(await state()).toEqual(before);
  });

  it("an admin's token changes them; bad input is a 422 naming the rule", async () => {
    const { secret } = await createAdminToken(ctx, { name: "config bot", role: "admin" });
    const bad = await patch(secret, { redaction: { fieldRules: [{ path: "args..x" }] } });
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(body.error.code).toBe("validation_failed");
    expect(JSON.stringify(body.error)).toMatch(/Rule 1 \(args\.\.x\)/);

    const res = await patch(secret, { resultMaxBytes: 8192 });
    expect(res.status).toBe(200);
    expect((await res.json()).settings.resultMaxBytes).toBe(8192);
    const [event] = (await auditOf(ctx.tenant.id)).filter((e) => e.action === "audit_settings.updated").slice(-1);
    expect(event).toMatchObject({ actorKind: "token", actorName: "config bot", after: expect.objectContaining({ resultMaxBytes: 8192 }) });
  });
});
