import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminToken, authenticateAdminToken, revokeAdminToken } from "@/lib/admin-tokens/tokens";
import { createAgent, deleteAgent, updateAgent } from "@/lib/agents/agents";
import { createAgentKey, revokeAgentKey } from "@/lib/agents/keys";
import { sha256 } from "@/lib/crypto";
import { transaction } from "@/lib/db";
import { createRole, deleteRole, updateRole, upsertRole } from "@/lib/policy/roles";
import { testServer } from "@/lib/registry/catalog";
import { syncPlatformServers } from "@/lib/registry/platform-sync";
import { createServer, deleteServer, getServer, updateServer } from "@/lib/registry/servers";
import type { TenantContext } from "@/lib/tenancy/context";
import { DEMO_AGENT_NAME, DEMO_ROLE_NAME, insertDemoTenant } from "@/lib/tenancy/demo";
import { acceptInvitationWithSignUp, revokeInvitation } from "@/lib/tenancy/invitations";
import { addMember, changeMemberRole, removeMember } from "@/lib/tenancy/members";
import { createTenant, updateTenant } from "@/lib/tenancy/tenants";
import { deleteWebhook, rotateWebhookSecret, saveWebhook } from "@/lib/webhooks/settings";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, createTestUser, randomEmail, randomSlug, uniqueSuffix, userIdOf } from "@/test/factories";
import { startFixtureHttp, type FixtureHttp } from "@/test/fixtures/upstream/server";
import { superuserQuery } from "@/test/superuser";
import { OMITTED } from "./admin";
import { verifyAuditChain } from "./verify";

// Every administrative change is an audit event written in the transaction
// that makes it: these tests read the stored events past row-level security
// and look for planted secrets in the whole of each event.

const BEARER = `audit-canary-bearer-${uniqueSuffix()}-0123456789`;
const HEADER_SECRET = `audit-canary-header-${uniqueSuffix()}-987654`;

let guarded: FixtureHttp;
beforeAll(async () => {
  guarded = await startFixtureHttp({ requireBearer: BEARER });
});
afterAll(async () => {
  await guarded?.close();
});

type EventRow = {
  id: string;
  seq: string;
  action: string;
  decision: string;
  outcome: string;
  actor_kind: string | null;
  actor_id: string | null;
  actor_name: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  [column: string]: unknown;
};

const eventsOf = (tenantId: string) => superuserQuery<EventRow>("select * from audit_events where tenant_id = $1 order by seq", [tenantId]);

/** Runs `action` and returns its result with the events it added to the tenant's log. */
async function withEvents<T>(ctx: TenantContext, action: () => Promise<T>): Promise<{ result: T; events: EventRow[] }> {
  const before = (await eventsOf(ctx.tenant.id)).length;
  const result = await action();
  return { result, events: (await eventsOf(ctx.tenant.id)).slice(before) };
}

/** The one event `action` added. */
async function oneEvent<T>(ctx: TenantContext, action: () => Promise<T>): Promise<{ result: T; event: EventRow }> {
  const { result, events } = await withEvents(ctx, action);
  expect(events.map((e) => e.action)).toHaveLength(1);
  return { result, event: events[0]! };
}

/** Asserts `action` is refused with `code` and adds nothing to the tenant's log. */
async function expectRefusedUnrecorded(ctx: TenantContext, action: () => Promise<unknown>, code: Parameters<typeof expectAppError>[1]) {
  const before = await eventsOf(ctx.tenant.id);
  await expectAppError(action, code);
  expect(await eventsOf(ctx.tenant.id)).toEqual(before);
}

const byUser = (ctx: TenantContext) => ({ actor_kind: "user", actor_id: userIdOf(ctx), actor_name: (ctx.actor as { name: string }).name });

function expectNoneOf(events: unknown, secrets: string[]) {
  const text = JSON.stringify(events);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("a new tenant", () => {
  it("begins its chain with tenant.created, by its owner", async () => {
    const ctx = await createTestTenant({ name: "Founders" });
    const [event, ...rest] = await eventsOf(ctx.tenant.id);
    expect(rest).toEqual([]);
    const membershipId = (await superuserQuery<{ id: string }>("select id from memberships where tenant_id = $1", [ctx.tenant.id]))[0]!.id;
    expect(event).toMatchObject({
      seq: "1",
      action: "tenant.created",
      decision: "none",
      outcome: "ok",
      ...byUser(ctx),
      target_type: "tenant",
      target_id: ctx.tenant.id,
      target_name: "Founders",
      before: null,
      after: {
        slug: ctx.tenant.slug,
        name: "Founders",
        approvalWaitSeconds: 30,
        owner: { userId: userIdOf(ctx), email: (ctx.actor as { email: string }).email, name: (ctx.actor as { name: string }).name, membershipId },
      },
    });
  });

  it("is not created when its first event cannot be written", async () => {
    const user = await createTestUser();
    const name = `Unrecordable ${uniqueSuffix()}`;
    const slug = randomSlug();
    await withFailingAudit(`new.target_name = '${name}'`, async () => {
      await expectAuditRefused(createTenant(user.id, { slug, name }));
    });
    expect(await superuserQuery("select id from tenants where slug = $1", [slug])).toEqual([]);
    expect(await superuserQuery("select id from memberships where user_id = $1", [user.id])).toEqual([]);
  });

  it("made as a demo records its server, role and agent after tenant.created, all by the owner", async () => {
    const owner = await createTestUser();
    const { tenant } = await transaction({}, (tx) => insertDemoTenant(tx, owner.id, "acme"));
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => [e.seq, e.action, e.target_name])).toEqual([
      ["1", "tenant.created", "Demo"],
      ["2", "server.created", "demo"],
      ["3", "role.created", DEMO_ROLE_NAME],
      ["4", "agent.created", DEMO_AGENT_NAME],
    ]);
    expect(events.every((e) => e.actor_kind === "user" && e.actor_id === owner.id)).toBe(true);
    expect(events[2]!.after).toMatchObject({ rules: expect.arrayContaining([expect.objectContaining({ pattern: "delete_*", effect: "deny" })]) });
    expect(events[3]!.after).toEqual({ name: DEMO_AGENT_NAME, description: expect.any(String), labels: { env: "demo" }, roles: [DEMO_ROLE_NAME] });
    // The stdio command that runs the demo stays with the operator.
    expectNoneOf(events, ["stdio.ts", process.execPath]);
  });
});

describe("servers", () => {
  it("records registration, updates, credential changes, switching off and deletion, never the credentials", async () => {
    const ctx = await createTestTenant();

    const { result: created, events } = await withEvents(ctx, () =>
      createServer(ctx, { name: "guarded", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: BEARER } }),
    );
    expect(events.map((e) => e.action)).toEqual(["server.created", "server.catalog_changed"]);
    expect(events[0]).toMatchObject({
      ...byUser(ctx),
      target_type: "server",
      target_id: created.id,
      target_name: "guarded",
      before: null,
      after: {
        name: "guarded",
        description: "",
        tags: [],
        transport: "streamable_http",
        url: guarded.url,
        namespace: "guarded",
        auth: { kind: "bearer", credentials: OMITTED },
        timeoutMs: 30_000,
        enabled: true,
        source: "tenant",
      },
    });
    // A person registered it, so the catalog it loaded is theirs too; each tool with the hash of its definition.
    expect(events[1]).toMatchObject({ ...byUser(ctx), target_id: created.id, before: { tools: [] } });
    const tools = (events[1]!.after as { tools: { name: string; definitionSha256: string }[] }).tools;
    expect(tools.length).toBe(created.catalog.toolCount);
    expect(tools[0]).toEqual({ name: expect.any(String), definitionSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const stored = async () => (await superuserQuery<{ sealed_credentials: string; credential_hint: string }>("select sealed_credentials, credential_hint from servers where id = $1", [created.id]))[0]!;
    const sealedBearer = await stored();

    // A probe that finds the same catalog changes nothing and records nothing.
    expect((await withEvents(ctx, () => testServer(ctx, "guarded"))).events).toEqual([]);

    const { event: updated } = await oneEvent(ctx, () => updateServer(ctx, "guarded", { description: "Payments", tags: ["pay"] }));
    expect(updated).toMatchObject({
      action: "server.updated",
      before: { description: "", tags: [] },
      after: { description: "Payments", tags: ["pay"], auth: { kind: "bearer", credentials: OMITTED } },
    });

    // New credentials (the upstream refuses them: the catalog stays, and only the change is recorded).
    const { event: rekeyed } = await oneEvent(ctx, () => updateServer(ctx, "guarded", { auth: { kind: "headers", headers: { "x-api-key": HEADER_SECRET } } }));
    expect(rekeyed).toMatchObject({
      action: "server.credentials_changed",
      before: { auth: { kind: "bearer", credentials: OMITTED } },
      after: { auth: { kind: "headers", credentials: OMITTED } },
    });

    const sealedHeaders = await stored();

    const { event: disabled } = await oneEvent(ctx, () => updateServer(ctx, "guarded", { enabled: false }));
    expect(disabled).toMatchObject({ action: "server.disabled", before: { enabled: true }, after: { enabled: false } });

    const { event: deleted } = await oneEvent(ctx, () => deleteServer(ctx, "guarded"));
    expect(deleted).toMatchObject({ action: "server.deleted", target_id: created.id, before: { name: "guarded", description: "Payments" }, after: null });

    // Neither the credentials, nor their sealed form, nor the masked hint the console shows.
    const stores = [sealedBearer, sealedHeaders].flatMap((s) => [s.sealed_credentials, s.credential_hint]);
    expectNoneOf(await eventsOf(ctx.tenant.id), [BEARER, HEADER_SECRET, ...stores, "••••"]);
  });

  it("records the catalog an upstream changed as the platform's doing", async () => {
    const ctx = await createTestTenant();
    const server = await createServer(ctx, { name: "off", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: BEARER }, enabled: false });
    const { refreshCatalog, CATALOG_REFRESH_ACTOR } = await import("@/lib/registry/catalog");
    const { event } = await oneEvent(ctx, () => refreshCatalog(ctx.tenant.id, server.id));
    expect(event).toMatchObject({ action: "server.catalog_changed", actor_kind: "operator", actor_id: null, actor_name: CATALOG_REFRESH_ACTOR.name });
  });

  it("records a server the platform operator declares for the tenant, without its command", async () => {
    const ctx = await createTestTenant();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-audit-platform-"));
    const file = path.join(dir, "servers.json");
    const declared = { key: `audit-${ctx.tenant.slug}`, tenants: [ctx.tenant.slug], name: "files", command: "/opt/secret-tool", args: ["--token", "cmd-canary"], env: { TOKEN: "env-canary" } };
    fs.writeFileSync(file, JSON.stringify({ servers: [declared] }));
    process.env.GATEHOUSE_PLATFORM_SERVERS = file;
    try {
      const { event } = await oneEvent(ctx, () => syncPlatformServers());
      expect(event).toMatchObject({ action: "server.created", actor_kind: "operator", target_name: "files", after: { source: "platform", transport: "stdio", platformKey: declared.key } });
      expectNoneOf(event, ["/opt/secret-tool", "cmd-canary", "env-canary"]);
      // Syncing again finds it in place: nothing changes, nothing is recorded.
      expect((await withEvents(ctx, () => syncPlatformServers())).events).toEqual([]);
    } finally {
      delete process.env.GATEHOUSE_PLATFORM_SERVERS;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records nothing for a change that is refused", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, { name: "kept", transport: "streamable_http", url: guarded.url, enabled: false });
    const viewer = (await createTestMember(ctx, "viewer")).ctx;
    await expectRefusedUnrecorded(ctx, () => createServer(viewer, { name: "nope", transport: "streamable_http", url: guarded.url }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => createServer(ctx, { name: "Bad Name", transport: "streamable_http", url: guarded.url }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => createServer(ctx, { name: "kept", transport: "streamable_http", url: guarded.url, enabled: false }), "conflict");
    await expectRefusedUnrecorded(ctx, () => updateServer(ctx, "kept", { timeoutMs: 5 }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => updateServer(viewer, "kept", { enabled: true }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => deleteServer(ctx, "missing"), "not_found");
  });
});

describe("access roles", () => {
  it("records creation, update, replacement and deletion with the rules before and after", async () => {
    const ctx = await createTestTenant();
    const rule = { server: "github", pattern: "get_*", effect: "allow" as const };

    const { result: role, event: created } = await oneEvent(ctx, () => createRole(ctx, { name: "readers", description: "Read", rules: [rule] }));
    expect(created).toMatchObject({
      action: "role.created",
      ...byUser(ctx),
      target_type: "role",
      target_id: role.id,
      target_name: "readers",
      before: null,
      after: { name: "readers", description: "Read", rules: [{ ...rule, target: "tool", condition: null, message: null, approval: null }], agents: [] },
    });

    const { event: updated } = await oneEvent(ctx, () =>
      updateRole(ctx, "readers", { name: "reviewers", rules: [{ server: "github", pattern: "merge", effect: "require_approval" }] }),
    );
    expect(updated).toMatchObject({
      action: "role.updated",
      target_id: role.id,
      target_name: "reviewers",
      before: { name: "readers", rules: [{ pattern: "get_*", effect: "allow" }] },
      after: { name: "reviewers", rules: [{ pattern: "merge", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1 } }] },
    });

    const { event: replaced } = await oneEvent(ctx, () => upsertRole(ctx, "reviewers", { description: "as code" }));
    expect(replaced).toMatchObject({ action: "role.replaced", before: { description: "Read", rules: [{ pattern: "merge" }] }, after: { description: "as code", rules: [] } });

    const { event: upserted } = await oneEvent(ctx, () => upsertRole(ctx, "fresh", { rules: [rule] }));
    expect(upserted).toMatchObject({ action: "role.created", before: null, after: { name: "fresh", rules: [{ pattern: "get_*" }] } });

    await createAgent(ctx, { name: "bot", roles: ["reviewers"] });
    const { event: deleted } = await oneEvent(ctx, () => deleteRole(ctx, "reviewers"));
    expect(deleted).toMatchObject({ action: "role.deleted", target_id: role.id, before: { name: "reviewers", agents: ["bot"] }, after: null });
  });

  it("records nothing for a change that is refused", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "taken" });
    const viewer = (await createTestMember(ctx, "viewer")).ctx;
    await expectRefusedUnrecorded(ctx, () => createRole(viewer, { name: "x" }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => createRole(ctx, { name: "taken" }), "conflict");
    await expectRefusedUnrecorded(ctx, () => updateRole(ctx, "taken", { rules: [{ server: "a", pattern: "b", effect: "allow", condition: "args.(" }] }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => deleteRole(ctx, "missing"), "not_found");
  });
});

describe("agents and their keys", () => {
  it("records agents with their role bindings, and keys issued and revoked, never a key or its hash", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "a" });
    await createRole(ctx, { name: "b" });

    const { result: agent, event: created } = await oneEvent(ctx, () => createAgent(ctx, { name: "bot", labels: { env: "prod" }, roles: ["a"] }));
    expect(created).toMatchObject({
      action: "agent.created",
      ...byUser(ctx),
      target_type: "agent",
      target_id: agent.id,
      target_name: "bot",
      after: { name: "bot", description: "", labels: { env: "prod" }, roles: ["a"] },
    });

    const { event: rebound } = await oneEvent(ctx, () => updateAgent(ctx, agent.id, { roles: ["b"], description: "moved" }));
    expect(rebound).toMatchObject({ action: "agent.updated", before: { roles: ["a"], description: "" }, after: { roles: ["b"], description: "moved" } });

    const { result: issued, event: keyIssued } = await oneEvent(ctx, () => createAgentKey(ctx, agent.id, { name: "ci", expiresInDays: 30 }));
    expect(keyIssued).toMatchObject({
      action: "agent_key.issued",
      target_type: "agent_key",
      target_id: issued.key.id,
      target_name: "ci",
      after: { agent: { id: agent.id, name: "bot" }, name: "ci", displayPrefix: issued.key.displayPrefix, expiresAt: issued.key.expiresAt!.toISOString(), revokedAt: null },
    });

    const { event: revoked } = await oneEvent(ctx, () => revokeAgentKey(ctx, agent.id, issued.key.id));
    expect(revoked).toMatchObject({ action: "agent_key.revoked", target_id: issued.key.id, before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
    // Revoking it again changes nothing, and records nothing.
    expect((await withEvents(ctx, () => revokeAgentKey(ctx, agent.id, issued.key.id))).events).toEqual([]);

    const { event: deleted } = await oneEvent(ctx, () => deleteAgent(ctx, agent.id));
    expect(deleted).toMatchObject({ action: "agent.deleted", target_id: agent.id, before: { name: "bot", roles: ["b"] }, after: null });

    const secret = issued.secret;
    expectNoneOf(await eventsOf(ctx.tenant.id), [secret, secret.slice(issued.key.displayPrefix.length), sha256(secret)]);
  });

  it("records nothing for a change that is refused", async () => {
    const ctx = await createTestTenant();
    const agent = await createAgent(ctx, { name: "bot" });
    const viewer = (await createTestMember(ctx, "viewer")).ctx;
    await expectRefusedUnrecorded(ctx, () => createAgent(ctx, { name: "x", roles: ["no-such-role"] }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => updateAgent(viewer, agent.id, { description: "x" }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => createAgentKey(ctx, agent.id, { expiresInDays: 0 }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => createAgentKey(ctx, "agt_missing", {}), "not_found");
    await expectRefusedUnrecorded(ctx, () => revokeAgentKey(ctx, agent.id, "key_missing"), "not_found");
    await expectRefusedUnrecorded(ctx, () => deleteAgent(viewer, agent.id), "forbidden");
  });
});

describe("members and invitations", () => {
  it("records members added, re-roled and removed, and invitations opened, replaced, revoked and accepted, never a link", async () => {
    const ctx = await createTestTenant();
    const person = await createTestUser();

    const { result: added, event: addedEvent } = await oneEvent(ctx, () => addMember(ctx, { email: person.email, role: "viewer" }));
    if (added.kind !== "member") throw new Error("expected a member");
    expect(addedEvent).toMatchObject({
      action: "member.added",
      ...byUser(ctx),
      target_type: "member",
      target_id: added.member.id,
      target_name: person.email,
      after: { userId: person.id, email: person.email, name: person.name, role: "viewer" },
    });

    const { event: promoted } = await oneEvent(ctx, () => changeMemberRole(ctx, added.member.id, { role: "admin" }));
    expect(promoted).toMatchObject({ action: "member.role_changed", target_id: added.member.id, before: { role: "viewer" }, after: { role: "admin" } });
    // The same role again is no change.
    expect((await withEvents(ctx, () => changeMemberRole(ctx, added.member.id, { role: "admin" }))).events).toEqual([]);

    const { event: removed } = await oneEvent(ctx, () => removeMember(ctx, added.member.id));
    expect(removed).toMatchObject({ action: "member.removed", before: { email: person.email, role: "admin" }, after: null });

    const email = randomEmail("invitee");
    const { result: first, event: invited } = await oneEvent(ctx, () => addMember(ctx, { email, role: "reviewer" }));
    if (first.kind !== "invitation") throw new Error("expected an invitation");
    expect(invited).toMatchObject({
      action: "invitation.created",
      target_type: "invitation",
      target_id: first.invitation.id,
      target_name: email,
      before: null,
      after: { email, role: "reviewer", expiresAt: first.invitation.expiresAt.toISOString() },
    });

    const { result: second, event: reinvited } = await oneEvent(ctx, () => addMember(ctx, { email, role: "auditor" }));
    if (second.kind !== "invitation") throw new Error("expected an invitation");
    expect(reinvited).toMatchObject({ action: "invitation.created", before: { id: first.invitation.id, role: "reviewer" }, after: { role: "auditor" } });

    const { event: revoked } = await oneEvent(ctx, () => revokeInvitation(ctx, second.invitation.id));
    expect(revoked).toMatchObject({ action: "invitation.revoked", target_id: second.invitation.id, before: { email, role: "auditor" } });

    const third = await addMember(ctx, { email, role: "viewer" });
    if (third.kind !== "invitation") throw new Error("expected an invitation");
    const password = `invitee-password-${uniqueSuffix()}`;
    const { result: joined, event: accepted } = await oneEvent(ctx, () => acceptInvitationWithSignUp(third.invitation.token, { name: "Ivy Invitee", password }));
    const membershipId = (await superuserQuery<{ id: string }>("select id from memberships where tenant_id = $1 and user_id = $2", [ctx.tenant.id, joined.user.id]))[0]!.id;
    expect(accepted).toMatchObject({
      action: "invitation.accepted",
      actor_kind: "user",
      actor_id: joined.user.id,
      actor_name: "Ivy Invitee",
      target_id: third.invitation.id,
      after: { email, role: "viewer", userId: joined.user.id, membership: { id: membershipId, role: "viewer" } },
    });

    const links = [first, second, third].flatMap((r) => (r.kind === "invitation" ? [r.invitation.token, sha256(r.invitation.token)] : []));
    expectNoneOf(await eventsOf(ctx.tenant.id), [...links, password]);
  });

  it("records nothing for a change that is refused", async () => {
    const ctx = await createTestTenant();
    const admin = await createTestMember(ctx, "admin");
    const ownerMembership = (await superuserQuery<{ id: string }>("select id from memberships where tenant_id = $1 and role = 'owner'", [ctx.tenant.id]))[0]!.id;
    await expectRefusedUnrecorded(ctx, () => addMember(ctx, { email: "not an email", role: "viewer" }), "validation_failed");
    await expectRefusedUnrecorded(ctx, () => addMember(admin.ctx, { email: randomEmail(), role: "owner" }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => addMember(ctx, { email: (admin.ctx.actor as { email: string }).email, role: "viewer" }), "conflict");
    await expectRefusedUnrecorded(ctx, () => changeMemberRole(ctx, ownerMembership, { role: "viewer" }), "conflict");
    await expectRefusedUnrecorded(ctx, () => removeMember(admin.ctx, ownerMembership), "forbidden");
    await expectRefusedUnrecorded(ctx, () => revokeInvitation(ctx, "inv_missing"), "not_found");
  });
});

describe("tenant settings, admin tokens and the webhook", () => {
  it("records a renamed tenant and its approval wait, before and after", async () => {
    const ctx = await createTestTenant({ name: "Old name" });
    const { event } = await oneEvent(ctx, () => updateTenant(ctx, { name: "New name", approvalWaitSeconds: 10 }));
    expect(event).toMatchObject({
      action: "tenant.updated",
      ...byUser(ctx),
      target_type: "tenant",
      target_id: ctx.tenant.id,
      target_name: "New name",
      before: { name: "Old name", approvalWaitSeconds: 30 },
      after: { name: "New name", approvalWaitSeconds: 10 },
    });
    const admin = (await createTestMember(ctx, "viewer")).ctx;
    await expectRefusedUnrecorded(ctx, () => updateTenant(admin, { name: "x" }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => updateTenant(ctx, { approvalWaitSeconds: 500 }), "validation_failed");
  });

  it("records admin tokens created and revoked, and names a token as the actor of what it changes", async () => {
    const ctx = await createTestTenant();
    const { result: created, event } = await oneEvent(ctx, () => createAdminToken(ctx, { name: "ci", role: "admin", expiresInDays: 30 }));
    expect(event).toMatchObject({
      action: "token.created",
      ...byUser(ctx),
      target_type: "token",
      target_id: created.token.id,
      target_name: "ci",
      after: { name: "ci", role: "admin", displayPrefix: created.token.displayPrefix, revokedAt: null },
    });

    const tokenCtx = (await authenticateAdminToken(created.secret))!;
    const { event: byToken } = await oneEvent(ctx, () => createAgent(tokenCtx, { name: "made-by-ci" }));
    expect(byToken).toMatchObject({ action: "agent.created", actor_kind: "token", actor_id: created.token.id, actor_name: "ci" });

    const { event: revoked } = await oneEvent(ctx, () => revokeAdminToken(ctx, created.token.id));
    expect(revoked).toMatchObject({ action: "token.revoked", target_id: created.token.id, before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
    expect((await withEvents(ctx, () => revokeAdminToken(ctx, created.token.id))).events).toEqual([]);

    const viewer = (await createTestMember(ctx, "viewer")).ctx;
    await expectRefusedUnrecorded(ctx, () => createAdminToken(viewer, { name: "x" }), "forbidden");
    await expectRefusedUnrecorded(ctx, () => createAdminToken(ctx, { name: "x", expiresInDays: 9999 }), "validation_failed");

    const secret = created.secret;
    expectNoneOf(await eventsOf(ctx.tenant.id), [secret, secret.slice(created.token.displayPrefix.length), sha256(secret)]);
  });

  it("records the webhook set, changed, its secret rotated and removed, never a secret", async () => {
    const ctx = await createTestTenant();
    const { result: saved, event: created } = await oneEvent(ctx, () => saveWebhook(ctx, { url: "https://1.1.1.1/hooks" }));
    expect(created).toMatchObject({
      action: "webhook.created",
      ...byUser(ctx),
      target_type: "webhook",
      target_name: "1.1.1.1",
      after: { url: "https://1.1.1.1/hooks", enabled: true, secret: OMITTED },
    });

    const { event: changed } = await oneEvent(ctx, () => saveWebhook(ctx, { url: "https://8.8.8.8/other", enabled: false }));
    expect(changed).toMatchObject({ action: "webhook.updated", before: { url: "https://1.1.1.1/hooks", enabled: true }, after: { url: "https://8.8.8.8/other", enabled: false } });

    const { result: rotated, event: rotation } = await oneEvent(ctx, () => rotateWebhookSecret(ctx));
    expect(rotation).toMatchObject({ action: "webhook.secret_rotated", after: { secret: OMITTED } });

    const { event: removed } = await oneEvent(ctx, () => deleteWebhook(ctx));
    expect(removed).toMatchObject({ action: "webhook.deleted", before: { url: "https://8.8.8.8/other" }, after: null });
    await expectRefusedUnrecorded(ctx, () => deleteWebhook(ctx), "not_found");
    await expectRefusedUnrecorded(ctx, () => saveWebhook(ctx, { url: "http://169.254.169.254/latest" }), "validation_failed");

    const secrets = [saved.secret!, rotated.secret].flatMap((s) => [s, s.slice("whsec_".length)]);
    expectNoneOf(await eventsOf(ctx.tenant.id), secrets);
  });
});

/**
 * Runs `body` while the audit log refuses every event matching `condition`
 * (SQL over the new row `new`), as a full or broken audit store would.
 */
async function withFailingAudit(condition: string, body: () => Promise<void>): Promise<void> {
  const name = `test_refuse_audit_${uniqueSuffix()}`;
  await superuserQuery(`create function ${name}() returns trigger language plpgsql as $$
    begin
      if ${condition} then raise exception 'audit store refused the event'; end if;
      return new;
    end $$`);
  await superuserQuery(`create trigger ${name} before insert on audit_events for each row execute function ${name}()`);
  try {
    await body();
  } finally {
    await superuserQuery(`drop trigger ${name} on audit_events`);
    await superuserQuery(`drop function ${name}()`);
  }
}

/** Asserts `action` failed because the audit log refused its event (the database's error, under the query's). */
async function expectAuditRefused(action: Promise<unknown>, label?: string): Promise<void> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${label ?? "the change"} succeeded`).toBeInstanceOf(Error);
  const messages = [(error as Error).message, ((error as Error).cause as Error | undefined)?.message];
  expect(messages.join(" | "), label).toMatch(/audit store refused the event/);
}

/** Every configuration row of a tenant, read past row-level security. */
async function configState(tenantId: string) {
  const tables = ["tenants", "servers", "access_roles", "access_rules", "role_bindings", "agents", "agent_keys", "memberships", "invitations", "admin_tokens", "webhooks"];
  const state: Record<string, unknown> = {};
  for (const table of tables) {
    state[table] = await superuserQuery(`select * from ${table} where ${table === "tenants" ? "id" : "tenant_id"} = $1 order by 1`, [tenantId]);
  }
  return state;
}

describe("a change whose audit event cannot be written", () => {
  it("does not happen, whatever it changes", async () => {
    const ctx = await createTestTenant();
    const server = await createServer(ctx, { name: "kept", transport: "streamable_http", url: guarded.url, enabled: false });
    const role = await createRole(ctx, { name: "kept" });
    const agent = await createAgent(ctx, { name: "kept", roles: ["kept"] });
    const { key } = await createAgentKey(ctx, agent.id, {});
    const { token } = await createAdminToken(ctx, { name: "kept" });
    const member = await createTestMember(ctx, "viewer");
    await saveWebhook(ctx, { url: "https://1.1.1.1/hooks" });
    const before = await configState(ctx.tenant.id);
    const events = await eventsOf(ctx.tenant.id);

    const changes: [string, () => Promise<unknown>][] = [
      ["createServer", () => createServer(ctx, { name: "new", transport: "streamable_http", url: guarded.url, enabled: false })],
      ["updateServer", () => updateServer(ctx, server.name, { description: "changed" })],
      ["deleteServer", () => deleteServer(ctx, server.name)],
      ["createRole", () => createRole(ctx, { name: "new" })],
      ["updateRole", () => updateRole(ctx, role.name, { rules: [{ server: "*", pattern: "*", effect: "allow" }] })],
      ["upsertRole", () => upsertRole(ctx, role.name, {})],
      ["deleteRole", () => deleteRole(ctx, role.name)],
      ["createAgent", () => createAgent(ctx, { name: "new" })],
      ["updateAgent", () => updateAgent(ctx, agent.id, { roles: [] })],
      ["deleteAgent", () => deleteAgent(ctx, agent.id)],
      ["createAgentKey", () => createAgentKey(ctx, agent.id, {})],
      ["revokeAgentKey", () => revokeAgentKey(ctx, agent.id, key.id)],
      ["addMember", () => addMember(ctx, { email: randomEmail(), role: "viewer" })],
      ["changeMemberRole", () => changeMemberRole(ctx, member.membershipId, { role: "admin" })],
      ["removeMember", () => removeMember(ctx, member.membershipId)],
      ["updateTenant", () => updateTenant(ctx, { approvalWaitSeconds: 5 })],
      ["createAdminToken", () => createAdminToken(ctx, { name: "new" })],
      ["revokeAdminToken", () => revokeAdminToken(ctx, token.id)],
      ["saveWebhook", () => saveWebhook(ctx, { url: "https://8.8.8.8/x" })],
      ["rotateWebhookSecret", () => rotateWebhookSecret(ctx)],
      ["deleteWebhook", () => deleteWebhook(ctx)],
    ];
    await withFailingAudit(`new.tenant_id = '${ctx.tenant.id}'`, async () => {
      for (const [name, change] of changes) {
        await expectAuditRefused(change(), name);
      }
    });
    expect(await configState(ctx.tenant.id)).toEqual(before);
    expect(await eventsOf(ctx.tenant.id)).toEqual(events);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);

    // With the log back, the same change goes through.
    await updateServer(ctx, server.name, { description: "changed" });
    expect((await getServer(ctx, server.name)).description).toBe("changed");
  });
});

describe("the chain", () => {
  it("verifies after a mix of administrative changes", async () => {
    const ctx = await createTestTenant();
    await createServer(ctx, { name: "guarded", transport: "streamable_http", url: guarded.url, auth: { kind: "bearer", token: BEARER } });
    await createRole(ctx, { name: "r", rules: [{ server: "guarded", pattern: "*", effect: "allow" }] });
    const agent = await createAgent(ctx, { name: "bot", roles: ["r"] });
    const { key } = await createAgentKey(ctx, agent.id, {});
    await revokeAgentKey(ctx, agent.id, key.id);
    const member = await createTestMember(ctx, "viewer");
    await changeMemberRole(ctx, member.membershipId, { role: "reviewer" });
    await addMember(ctx, { email: randomEmail(), role: "viewer" });
    await updateTenant(ctx, { approvalWaitSeconds: 12 });
    await saveWebhook(ctx, { url: "https://1.1.1.1/hooks" });
    await rotateWebhookSecret(ctx);
    const { token } = await createAdminToken(ctx, { name: "t" });
    await revokeAdminToken(ctx, token.id);
    await updateServer(ctx, "guarded", { enabled: false });
    await deleteRole(ctx, "r");

    const events = await eventsOf(ctx.tenant.id);
    expect(events.length).toBeGreaterThanOrEqual(16);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, checked: events.length, brokenAt: null, unchained: 0 });
  });
});
