import { describe, expect, it } from "vitest";
import { sha256 } from "@/lib/crypto";
import { createRole } from "@/lib/policy/roles";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant, userIdOf } from "@/test/factories";
import { rawPost } from "@/test/gateway";
import { superuserQuery } from "@/test/superuser";
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from "./agents";
import { AGENT_KEY_PREFIX, createAgentKey, listAgentKeys, revokeAgentKey } from "./keys";

/** Everything Gatehouse holds about a tenant's agents, read past row-level security. */
async function agentState(tenantId: string) {
  return {
    agents: await superuserQuery("select * from agents where tenant_id = $1 order by id", [tenantId]),
    keys: await superuserQuery("select * from agent_keys where tenant_id = $1 order by id", [tenantId]),
    bindings: await superuserQuery("select * from role_bindings where tenant_id = $1 order by agent_id, role_id", [tenantId]),
  };
}

async function expectRefusedUnchanged(ctx: TenantContext, action: () => Promise<unknown>, code: Parameters<typeof expectAppError>[1], message?: string | RegExp) {
  const before = await agentState(ctx.tenant.id);
  const error = await expectAppError(action, code, message);
  expect(await agentState(ctx.tenant.id)).toEqual(before);
  return error;
}

/** A tenant with roles "readers" and "writers". */
async function tenantWithRoles() {
  const ctx = await createTestTenant();
  await createRole(ctx, { name: "readers", rules: [{ server: "*", pattern: "get_*", effect: "allow" }] });
  await createRole(ctx, { name: "writers", rules: [{ server: "*", pattern: "*", effect: "allow" }] });
  return ctx;
}

const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});

describe("createAgent", () => {
  it("creates an agent bound to roles by name", async () => {
    const ctx = await tenantWithRoles();

    const agent = await createAgent(ctx, { name: " Build bot ", description: " CI ", labels: { team: "platform", "env/stage": "prod" }, roles: ["writers", "readers", "writers"] });

    expect(agent).toMatchObject({ name: "Build bot", description: "CI", labels: { team: "platform", "env/stage": "prod" }, roles: ["readers", "writers"], activeKeys: 0 });
    expect(agent.id).toMatch(/^agt_/);
    expect(await getAgent(ctx, agent.id)).toEqual(agent);
    expect(await listAgents(ctx)).toEqual([agent]);
  });

  it.each([
    ["", "Give the agent a name."],
    ["   ", "Give the agent a name."],
    ["-bot", "Use letters, digits, spaces, dots, hyphens and underscores, starting with a letter or digit."],
    ["bot/1", "Use letters, digits, spaces, dots, hyphens and underscores, starting with a letter or digit."],
    ["böt", "Use letters, digits, spaces, dots, hyphens and underscores, starting with a letter or digit."],
    ["b".repeat(65), "An agent name has at most 64 characters."],
  ])("refuses the name %j and creates nothing", async (name, message) => {
    const ctx = await tenantWithRoles();
    const error = await expectRefusedUnchanged(ctx, () => createAgent(ctx, { name }), "validation_failed");
    expect(error.fields?.name?.[0]).toBe(message);
  });

  it.each([
    [{ Team: "x" }, "labels.Team", "Label keys use lowercase letters, digits and . _ / - (at most 64)."],
    [{ "": "x" }, "labels.", "Label keys use lowercase letters, digits and . _ / - (at most 64)."],
    [{ "team-": "x" }, "labels.team-", "Label keys use lowercase letters, digits and . _ / - (at most 64)."],
    [{ ["k".repeat(65)]: "x" }, `labels.${"k".repeat(65)}`, "Label keys use lowercase letters, digits and . _ / - (at most 64)."],
    [{ team: "v".repeat(129) }, "labels.team", "A label value has at most 128 characters."],
    [{ team: 7 }, "labels.team", "Invalid input: expected string, received number"],
    [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"])), "labels", "At most 32 labels."],
    [["team"], "labels", "Invalid input: expected record, received array"],
  ])("refuses labels %j and creates nothing", async (labels, field, message) => {
    const ctx = await tenantWithRoles();
    const error = await expectRefusedUnchanged(ctx, () => createAgent(ctx, { name: "bot", labels: labels as never }), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it("refuses an unknown role name as a field error and creates nothing", async () => {
    const ctx = await tenantWithRoles();
    const error = await expectRefusedUnchanged(
      ctx,
      () => createAgent(ctx, { name: "bot", roles: ["readers", "nope", "Writers"] }),
      "validation_failed",
      'No role named "nope", "Writers" in this tenant.',
    );
    expect(error.fields).toEqual({ roles: ["Unknown role: nope, Writers"] });
  });

  it("refuses a name the tenant already uses, as a conflict", async () => {
    const ctx = await tenantWithRoles();
    await createAgent(ctx, { name: "bot", roles: ["readers"] });
    const error = await expectRefusedUnchanged(ctx, () => createAgent(ctx, { name: "bot", roles: ["writers"] }), "conflict", 'An agent named "bot" already exists in this tenant.');
    expect(error.fields).toEqual({ name: ["This name is taken."] });
  });

  it("refuses more than 50 roles", async () => {
    const ctx = await tenantWithRoles();
    const roles = Array.from({ length: 51 }, (_, i) => `r${i}`);
    const error = await expectRefusedUnchanged(ctx, () => createAgent(ctx, { name: "bot", roles }), "validation_failed");
    expect(error.fields?.roles).toEqual(["At most 50 roles."]);
  });
});

describe("updateAgent", () => {
  it("renames, relabels and replaces role bindings", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot", labels: { a: "1" }, roles: ["readers"] });

    const updated = await updateAgent(ctx, agent.id, { name: "robot", labels: { b: "2" }, roles: ["writers"] });

    expect(updated).toMatchObject({ id: agent.id, name: "robot", labels: { b: "2" }, roles: ["writers"] });
    expect((await updateAgent(ctx, agent.id, { roles: [] })).roles).toEqual([]);
    expect((await updateAgent(ctx, agent.id, { description: "only this" })).name).toBe("robot");
  });

  it.each([
    [{ name: "" }, "name: Give the agent a name."],
    [{ labels: { BAD: "x" } }, "labels.BAD: Label keys use lowercase letters, digits and . _ / - (at most 64)."],
    [{ roles: ["readers", "ghost"] }, 'No role named "ghost" in this tenant.'],
    [{ tenantId: "tnt_other" }, 'Unrecognized key: "tenantId"'],
  ])("refuses %j and changes nothing, bindings included", async (input, message) => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });
    await expectRefusedUnchanged(ctx, () => updateAgent(ctx, agent.id, input as never), "validation_failed", message);
  });

  it("refuses a rename onto another agent's name, as a conflict", async () => {
    const ctx = await tenantWithRoles();
    await createAgent(ctx, { name: "alpha" });
    const beta = await createAgent(ctx, { name: "beta", roles: ["readers"] });
    await expectRefusedUnchanged(ctx, () => updateAgent(ctx, beta.id, { name: "alpha", roles: ["writers"] }), "conflict", 'An agent named "alpha" already exists in this tenant.');
  });

  it("is not found for an unknown id", async () => {
    const ctx = await tenantWithRoles();
    await expectRefusedUnchanged(ctx, () => updateAgent(ctx, "agt_nope", { description: "x" }), "not_found", "The agent was not found.");
  });
});

describe("deleteAgent", () => {
  it("deletes the agent with its keys and bindings, leaving the roles", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });
    await createAgentKey(ctx, agent.id, {});

    await deleteAgent(ctx, agent.id);

    expect(await agentState(ctx.tenant.id)).toEqual({ agents: [], keys: [], bindings: [] });
    await expectAppError(getAgent(ctx, agent.id), "not_found", "The agent was not found.");
    await expectAppError(deleteAgent(ctx, agent.id), "not_found", "The agent was not found.");
  });
});

describe("agent keys", () => {
  it("shows the secret once and keeps only its hash", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot" });

    const { key, secret } = await createAgentKey(ctx, agent.id, { name: " laptop " });

    expect(secret).toMatch(new RegExp(`^${AGENT_KEY_PREFIX}[0-9A-Za-z]{40}$`));
    expect(key).toMatchObject({ name: "laptop", displayPrefix: secret.slice(0, AGENT_KEY_PREFIX.length + 6), expiresAt: null, lastUsedAt: null, revokedAt: null });
    expect(key.id).toMatch(/^key_/);
    expect(Object.keys(key).sort()).toEqual(["createdAt", "displayPrefix", "expiresAt", "id", "lastUsedAt", "name", "revokedAt"]);

    const rows = await superuserQuery<{ key_hash: string; created_by: string }>("select * from agent_keys where tenant_id = $1", [ctx.tenant.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key_hash: sha256(secret), created_by: userIdOf(ctx) });
    expect(JSON.stringify(rows)).not.toContain(secret);

    const listed = await listAgentKeys(ctx, agent.id);
    expect(listed).toEqual([key]);
    for (const value of [listed, await listAgents(ctx), await getAgent(ctx, agent.id)]) {
      expect(JSON.stringify(value)).not.toContain(secret);
      expect(JSON.stringify(value)).not.toContain(sha256(secret));
    }
    expect((await getAgent(ctx, agent.id)).activeKeys).toBe(1);
  });

  it("names a key 'default' when no name is given", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot" });
    expect((await createAgentKey(ctx, agent.id, {})).key.name).toBe("default");
  });

  it("sets an expiry in whole days, 1 to 3,650", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot" });
    const { key: short } = await createAgentKey(ctx, agent.id, { expiresInDays: 1 });
    const { key: long } = await createAgentKey(ctx, agent.id, { expiresInDays: 3650 });
    expect((short.expiresAt!.getTime() - Date.now()) / 86_400_000).toBeCloseTo(1, 2);
    expect((long.expiresAt!.getTime() - Date.now()) / 86_400_000).toBeCloseTo(3650, 2);
  });

  it("does not count an expired key as active", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot" });
    const { key } = await createAgentKey(ctx, agent.id, { expiresInDays: 1 });
    await superuserQuery("update agent_keys set expires_at = now() - interval '1 second' where id = $1", [key.id]);
    expect((await getAgent(ctx, agent.id)).activeKeys).toBe(0);
  });

  it.each([
    [{ expiresInDays: 0 }, "expiresInDays", "A key lives at least 1 day."],
    [{ expiresInDays: -5 }, "expiresInDays", "A key lives at least 1 day."],
    [{ expiresInDays: 3651 }, "expiresInDays", "A key lives at most 3,650 days."],
    [{ expiresInDays: 1.5 }, "expiresInDays", "Expiry is a whole number of days."],
    [{ expiresInDays: "soon" }, "expiresInDays", "Expiry is a number of days."],
    [{ name: "   " }, "name", "Name the key, e.g. where it is used."],
    [{ name: "k".repeat(65) }, "name", "A key name has at most 64 characters."],
  ])("refuses %j and issues nothing", async (input, field, message) => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot" });
    const error = await expectRefusedUnchanged(ctx, () => createAgentKey(ctx, agent.id, input as never), "validation_failed");
    expect(error.fields?.[field]).toEqual([message]);
  });

  it("is not found for an unknown agent", async () => {
    const ctx = await tenantWithRoles();
    await expectRefusedUnchanged(ctx, () => createAgentKey(ctx, "agt_nope", {}), "not_found", "The agent was not found.");
    await expectAppError(listAgentKeys(ctx, "agt_nope"), "not_found", "The agent was not found.");
  });

  it("revokes a key: it stops authenticating, and revoking again keeps the first time", async () => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });
    const { key, secret } = await createAgentKey(ctx, agent.id, {});
    expect((await rawPost(ctx.tenant.slug, initialize, { authorization: `Bearer ${secret}` })).status).toBe(200);

    await revokeAgentKey(ctx, agent.id, key.id);

    const [revoked] = await listAgentKeys(ctx, agent.id);
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
    expect((await getAgent(ctx, agent.id)).activeKeys).toBe(0);
    expect((await rawPost(ctx.tenant.slug, initialize, { authorization: `Bearer ${secret}` })).status).toBe(401);

    await revokeAgentKey(ctx, agent.id, key.id);
    expect((await listAgentKeys(ctx, agent.id))[0]!.revokedAt).toEqual(revoked!.revokedAt);
  });

  it("does not revoke a key through another agent's id", async () => {
    const ctx = await tenantWithRoles();
    const owner = await createAgent(ctx, { name: "owner" });
    const other = await createAgent(ctx, { name: "other" });
    const { key } = await createAgentKey(ctx, owner.id, {});
    await expectRefusedUnchanged(ctx, () => revokeAgentKey(ctx, other.id, key.id), "not_found", "The key was not found.");
    await expectRefusedUnchanged(ctx, () => revokeAgentKey(ctx, owner.id, "key_nope"), "not_found", "The key was not found.");
  });
});

describe("permissions", () => {
  it.each(["reviewer", "auditor", "viewer"] as const)("a %s can read agents and keys but change nothing", async (role) => {
    const ctx = await tenantWithRoles();
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });
    const { key } = await createAgentKey(ctx, agent.id, {});
    const member = (await createTestMember(ctx, role)).ctx;

    expect((await listAgents(member)).map((a) => a.id)).toEqual([agent.id]);
    expect((await getAgent(member, agent.id)).name).toBe("bot");
    expect((await listAgentKeys(member, agent.id)).map((k) => k.id)).toEqual([key.id]);

    await expectRefusedUnchanged(ctx, () => createAgent(member, { name: "sneaky" }), "forbidden");
    await expectRefusedUnchanged(ctx, () => updateAgent(member, agent.id, { roles: ["writers"] }), "forbidden");
    await expectRefusedUnchanged(ctx, () => deleteAgent(member, agent.id), "forbidden");
    await expectRefusedUnchanged(ctx, () => createAgentKey(member, agent.id, {}), "forbidden");
    await expectRefusedUnchanged(ctx, () => revokeAgentKey(member, agent.id, key.id), "forbidden");
  });

  it("an admin can manage agents and keys", async () => {
    const ctx = await tenantWithRoles();
    const admin = (await createTestMember(ctx, "admin")).ctx;
    const agent = await createAgent(admin, { name: "bot", roles: ["readers"] });
    const { key } = await createAgentKey(admin, agent.id, {});
    await revokeAgentKey(admin, agent.id, key.id);
    await deleteAgent(admin, agent.id);
    expect(await listAgents(ctx)).toEqual([]);
  });
});

describe("tenant isolation", () => {
  it("another tenant cannot see, change, delete or key an agent by its id, nor bind a role it does not have", async () => {
    const a = await tenantWithRoles();
    const b = await createTestTenant();
    const agent = await createAgent(a, { name: "bot", roles: ["readers"] });
    const { key } = await createAgentKey(a, agent.id, {});
    const stateOfA = await agentState(a.tenant.id);

    expect(await listAgents(b)).toEqual([]);
    await expectAppError(getAgent(b, agent.id), "not_found");
    await expectAppError(updateAgent(b, agent.id, { name: "stolen" }), "not_found");
    await expectAppError(deleteAgent(b, agent.id), "not_found");
    await expectAppError(listAgentKeys(b, agent.id), "not_found");
    await expectAppError(createAgentKey(b, agent.id, {}), "not_found");
    await expectAppError(revokeAgentKey(b, agent.id, key.id), "not_found");
    await expectAppError(createAgent(b, { name: "bot", roles: ["readers"] }), "validation_failed", 'No role named "readers" in this tenant.');
    expect(await agentState(a.tenant.id)).toEqual(stateOfA);
    expect(await agentState(b.tenant.id)).toEqual({ agents: [], keys: [], bindings: [] });
  });
});
