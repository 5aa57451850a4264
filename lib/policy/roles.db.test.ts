import { describe, expect, it } from "vitest";
import { createAgent, getAgent } from "@/lib/agents/agents";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { createRole, deleteRole, getRole, listRoles, updateRole, upsertRole } from "./roles";
import type { RuleInput } from "./schemas";

/** Everything Gatehouse holds about a tenant's access roles, read past row-level security. */
async function roleState(tenantId: string) {
  return {
    roles: await superuserQuery("select * from access_roles where tenant_id = $1 order by id", [tenantId]),
    rules: await superuserQuery(
      "select role_id, position, target, server, pattern, effect, condition, message, approver_role, approvals_required, approval_ttl_seconds from access_rules where tenant_id = $1 order by role_id, position",
      [tenantId],
    ),
    bindings: await superuserQuery("select * from role_bindings where tenant_id = $1 order by agent_id, role_id", [tenantId]),
  };
}

async function expectRefusedUnchanged(ctx: TenantContext, action: () => Promise<unknown>, code: Parameters<typeof expectAppError>[1], message?: string | RegExp) {
  const before = await roleState(ctx.tenant.id);
  const error = await expectAppError(action, code, message);
  expect(await roleState(ctx.tenant.id)).toEqual(before);
  return error;
}

const readRules: RuleInput[] = [
  { server: "github", pattern: "get_*", effect: "allow" },
  { server: "*", pattern: "delete_*", effect: "deny" },
];

describe("createRole", () => {
  it("keeps rules in order, tool rules by default, and lists the agents bound to it", async () => {
    const ctx = await createTestTenant();

    const role = await createRole(ctx, {
      name: " readers ",
      description: " Read only ",
      rules: [...readRules, { target: "resource", server: "docs", pattern: "file:///*", effect: "allow" }],
    });

    expect(role).toMatchObject({
      name: "readers",
      description: "Read only",
      rules: [
        { target: "tool", server: "github", pattern: "get_*", effect: "allow" },
        { target: "tool", server: "*", pattern: "delete_*", effect: "deny" },
        { target: "resource", server: "docs", pattern: "file:///*", effect: "allow" },
      ],
      agents: [],
    });
    expect(role.id).toMatch(/^rol_/);

    const zed = await createAgent(ctx, { name: "zed", roles: ["readers"] });
    const amy = await createAgent(ctx, { name: "amy", roles: ["readers"] });
    expect((await getRole(ctx, "readers")).agents).toEqual([
      { id: amy.id, name: "amy" },
      { id: zed.id, name: "zed" },
    ]);
    expect((await listRoles(ctx)).map((r) => [r.name, r.agents.length])).toEqual([["readers", 2]]);
  });

  it("accepts 200 rules", async () => {
    const ctx = await createTestTenant();
    const rules = Array.from({ length: 200 }, (_, i) => ({ server: "*", pattern: `tool_${i}`, effect: "allow" as const }));
    const role = await createRole(ctx, { name: "big", rules });
    expect(role.rules.map((r) => r.pattern)).toEqual(rules.map((r) => r.pattern));
  });

  it.each([
    [[{ server: "*", pattern: "*", effect: "maybe" }], "rules.0.effect", "The effect is one of: allow, deny, require_approval."],
    [[readRules[0], { server: "Bad Name", pattern: "*", effect: "allow" }], "rules.1.server", "A server name (lowercase letters, digits, hyphens) or *."],
    [[{ server: "git__hub", pattern: "*", effect: "allow" }], "rules.0.server", "A server name (lowercase letters, digits, hyphens) or *."],
    [[{ server: "", pattern: "*", effect: "allow" }], "rules.0.server", "Name a server, or * for every server."],
    [[{ server: "s".repeat(33), pattern: "*", effect: "allow" }], "rules.0.server", "A server name has at most 32 characters."],
    [[{ server: "*", pattern: "", effect: "allow" }], "rules.0.pattern", "Give a name or a glob such as create_* or *."],
    [[{ server: "*", pattern: "   ", effect: "allow" }], "rules.0.pattern", "Give a name or a glob such as create_* or *."],
    [[{ server: "*", pattern: "p".repeat(513), effect: "allow" }], "rules.0.pattern", "A pattern has at most 512 characters."],
    [[{ target: "file", server: "*", pattern: "*", effect: "allow" }], "rules.0.target", "A rule targets one of: tool, prompt, resource."],
    [Array.from({ length: 201 }, () => ({ server: "*", pattern: "*", effect: "allow" })), "rules", "A role has at most 200 rules."],
    ["allow everything", "rules", "Invalid input: expected array, received string"],
  ])("refuses rules %# and creates nothing", async (rules, field, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createRole(ctx, { name: "bad", rules: rules as never }), "validation_failed");
    expect(error.fields?.[field]?.[0]).toBe(message);
  });

  it.each([
    ["", "Give the role a name."],
    ["-readers", "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."],
    ["read ers", "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."],
    ["r".repeat(65), "A role name has at most 64 characters."],
  ])("refuses the name %j and creates nothing", async (name, message) => {
    const ctx = await createTestTenant();
    const error = await expectRefusedUnchanged(ctx, () => createRole(ctx, { name }), "validation_failed");
    expect(error.fields?.name?.[0]).toBe(message);
  });

  it("refuses a name the tenant already uses, as a conflict, keeping the first role's rules", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    const error = await expectRefusedUnchanged(
      ctx,
      () => createRole(ctx, { name: "readers", rules: [{ server: "*", pattern: "*", effect: "allow" }] }),
      "conflict",
      'A role named "readers" already exists in this tenant.',
    );
    expect(error.fields).toEqual({ name: ["This name is taken."] });
  });
});

describe("updateRole", () => {
  it("replaces the whole rule list when rules are given, and keeps it otherwise", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });

    const described = await updateRole(ctx, "readers", { description: "changed" });
    expect(described.rules).toHaveLength(2);

    const replaced = await updateRole(ctx, "readers", { rules: [{ server: "jira", pattern: "search", effect: "allow" }] });
    expect(replaced.rules).toEqual([{ target: "tool", server: "jira", pattern: "search", effect: "allow", condition: null, message: null, approval: null }]);

    expect((await updateRole(ctx, "readers", { rules: [] })).rules).toEqual([]);
  });

  it("renames a role; bound agents keep it under the new name", async () => {
    const ctx = await createTestTenant();
    const role = await createRole(ctx, { name: "readers", rules: readRules });
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });

    const renamed = await updateRole(ctx, "readers", { name: "viewers" });

    expect(renamed).toMatchObject({ id: role.id, name: "viewers", agents: [{ id: agent.id, name: "bot" }] });
    expect((await getAgent(ctx, agent.id)).roles).toEqual(["viewers"]);
    await expectAppError(getRole(ctx, "readers"), "not_found", 'The role "readers" was not found.');
  });

  it("refuses a rename onto another role's name, as a conflict, and changes nothing (rules included)", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    await createRole(ctx, { name: "writers" });
    await expectRefusedUnchanged(
      ctx,
      () => updateRole(ctx, "writers", { name: "readers", rules: [{ server: "*", pattern: "*", effect: "allow" }] }),
      "conflict",
      'A role named "readers" already exists in this tenant.',
    );
  });

  it.each([
    [{ rules: [{ server: "*", pattern: "*", effect: "maybe" }] }, "rules.0.effect: The effect is one of: allow, deny, require_approval."],
    [{ name: "" }, "name: Give the role a name."],
    [{ agents: [] }, 'Unrecognized key: "agents"'],
  ])("refuses %j and changes nothing", async (input, message) => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    await expectRefusedUnchanged(ctx, () => updateRole(ctx, "readers", input as never), "validation_failed", message);
  });

  it("is not found for an unknown name", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(ctx, () => updateRole(ctx, "nope", { description: "x" }), "not_found", 'The role "nope" was not found.');
  });
});

describe("upsertRole (PUT)", () => {
  it("creates a missing role, then replaces description and rules in place, keeping bindings", async () => {
    const ctx = await createTestTenant();

    const created = await upsertRole(ctx, "readers", { description: "v1", rules: readRules });
    expect(created).toMatchObject({ name: "readers", description: "v1", rules: readRules.map((r) => ({ target: "tool", ...r })) });
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });

    const replaced = await upsertRole(ctx, "readers", { rules: [{ server: "jira", pattern: "*", effect: "allow" }] });

    expect(replaced).toMatchObject({
      id: created.id,
      description: "",
      rules: [{ target: "tool", server: "jira", pattern: "*", effect: "allow" }],
      agents: [{ id: agent.id, name: "bot" }],
    });
  });

  it("is idempotent: the same input twice leaves the same role", async () => {
    const ctx = await createTestTenant();
    const input = { description: "same", rules: readRules };
    const first = await upsertRole(ctx, "readers", input);
    const second = await upsertRole(ctx, "readers", input);
    const { updatedAt: _a, ...a } = first;
    const { updatedAt: _b, ...b } = second;
    expect(b).toEqual(a);
    expect(await listRoles(ctx)).toHaveLength(1);
  });

  it("takes the name from the path, not the body", async () => {
    const ctx = await createTestTenant();
    const role = await upsertRole(ctx, "readers", { name: "other" } as never);
    expect(role.name).toBe("readers");
    expect((await listRoles(ctx)).map((r) => r.name)).toEqual(["readers"]);
  });

  it.each([
    ["readers", { rules: [{ server: "Bad Name", pattern: "*", effect: "allow" }] }, "rules.0.server: A server name (lowercase letters, digits, hyphens) or *."],
    ["bad name", {}, "name: Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."],
    ["readers", { description: "d".repeat(501) }, "description: A description has at most 500 characters."],
  ])("refuses %j %j and changes nothing", async (name, input, message) => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    await expectRefusedUnchanged(ctx, () => upsertRole(ctx, name, input as never), "validation_failed", message);
  });
});

describe("conditions, messages and approvals", () => {
  const conditional: RuleInput[] = [
    { server: "db", pattern: "query", effect: "allow", condition: "  args.table != 'financials'  " },
    { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 1000", approval: { approverRole: "admin", approvalsRequired: 2, ttlSeconds: 14400 } },
    { server: "payments", pattern: "refund", effect: "deny", condition: "args.amount > 10000", message: " Ask the finance team. " },
    { server: "jira", pattern: "delete_project", effect: "require_approval" },
  ];

  it("saves conditions, messages and approval settings and returns them, with defaults for an approval rule that names none", async () => {
    const ctx = await createTestTenant();
    const role = await createRole(ctx, { name: "guarded", rules: conditional });
    const expected = [
      { target: "tool", server: "db", pattern: "query", effect: "allow", condition: "args.table != 'financials'", message: null, approval: null },
      {
        target: "tool",
        server: "payments",
        pattern: "refund",
        effect: "require_approval",
        condition: "args.amount > 1000",
        message: null,
        approval: { approverRole: "admin", approvalsRequired: 2, ttlSeconds: 14400 },
      },
      { target: "tool", server: "payments", pattern: "refund", effect: "deny", condition: "args.amount > 10000", message: "Ask the finance team.", approval: null },
      { target: "tool", server: "jira", pattern: "delete_project", effect: "require_approval", condition: null, message: null, approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 } },
    ];
    expect(role.rules).toEqual(expected);
    expect((await getRole(ctx, "guarded")).rules).toEqual(expected);
    const [stored] = await superuserQuery("select approver_role, approvals_required, approval_ttl_seconds from access_rules where tenant_id = $1 and position = 0", [ctx.tenant.id]);
    expect(stored).toEqual({ approver_role: null, approvals_required: null, approval_ttl_seconds: null });
  });

  it("stores a blank condition or message as none", async () => {
    const ctx = await createTestTenant();
    const role = await createRole(ctx, { name: "plain", rules: [{ server: "*", pattern: "*", effect: "deny", condition: "   ", message: "" }] });
    expect(role.rules[0]).toMatchObject({ condition: null, message: null });
  });

  it("refuses a condition that does not type-check, naming the rule and the position, and changes nothing", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "guarded", rules: conditional });
    const broken = [conditional[0]!, { server: "db", pattern: "query", effect: "deny" as const, condition: "args.table ==" }];
    const error = await expectRefusedUnchanged(ctx, () => updateRole(ctx, "guarded", { rules: broken }), "validation_failed");
    expect(Object.keys(error.fields ?? {})).toEqual(["rules.1.condition"]);
    expect(error.fields!["rules.1.condition"]![0]).toMatch(/line 1, column \d+/i);

    const mistyped = await expectRefusedUnchanged(
      ctx,
      () => updateRole(ctx, "guarded", { rules: [{ server: "*", pattern: "*", effect: "allow", condition: "agent.name > 3" }] }),
      "validation_failed",
    );
    expect(mistyped.fields?.["rules.0.condition"]?.[0]).toMatch(/line 1, column \d+/i);
    await expectRefusedUnchanged(ctx, () => createRole(ctx, { name: "other", rules: broken }), "validation_failed");
  });

  it.each([
    [{ server: "*", pattern: "*", effect: "require_approval", approval: { approvalsRequired: 3 } }, "rules.0.approval.approvalsRequired", "Ask for 1 or 2 approvals."],
    [{ server: "*", pattern: "*", effect: "require_approval", approval: { approvalsRequired: 0 } }, "rules.0.approval.approvalsRequired", "Ask for 1 or 2 approvals."],
    [{ server: "*", pattern: "*", effect: "require_approval", approval: { ttlSeconds: 10 } }, "rules.0.approval.ttlSeconds", "A request stays open at least 60 seconds."],
    [{ server: "*", pattern: "*", effect: "require_approval", approval: { ttlSeconds: 8 * 86400 } }, "rules.0.approval.ttlSeconds", "A request stays open at most 7 days."],
    [{ server: "*", pattern: "*", effect: "require_approval", approval: { approverRole: "viewer" } }, "rules.0.approval.approverRole", "Approvers are one of: reviewer, admin, owner (or above)."],
    [{ server: "*", pattern: "*", effect: "deny", approval: { approvalsRequired: 1 } }, "rules.0.approval", "Approval settings belong to require_approval rules."],
    [{ target: "prompt", server: "*", pattern: "*", effect: "require_approval" }, "rules.0.effect", "Only tool calls can be held for approval; prompts and resources are allowed or denied."],
    [{ server: "*", pattern: "*", effect: "allow", message: "hello" }, "rules.0.message", "A message is shown when a rule denies; set it on deny rules only."],
    [{ server: "*", pattern: "*", effect: "deny", message: "m".repeat(501) }, "rules.0.message", "A message has at most 500 characters."],
    [{ server: "*", pattern: "*", effect: "allow", condition: "true || ".repeat(300) + "true" }, "rules.0.condition", "A condition has at most 2000 characters."],
  ])("refuses %j and changes nothing", async (rule, field, message) => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "guarded", rules: conditional });
    const error = await expectRefusedUnchanged(ctx, () => updateRole(ctx, "guarded", { rules: [rule as RuleInput] }), "validation_failed");
    expect(error.fields?.[field]?.[0]).toBe(message);
  });

  it("PUT with conditions is idempotent and replaces them exactly", async () => {
    const ctx = await createTestTenant();
    const first = await upsertRole(ctx, "guarded", { description: "v1", rules: conditional });
    const stateAfterFirst = await roleState(ctx.tenant.id);
    const second = await upsertRole(ctx, "guarded", { description: "v1", rules: conditional });
    const { updatedAt: _a, ...a } = first;
    const { updatedAt: _b, ...b } = second;
    expect(b).toEqual(a);
    const strip = (state: Awaited<ReturnType<typeof roleState>>) => ({ ...state, roles: state.roles.map(({ updated_at: _, ...r }) => r) });
    expect(strip(await roleState(ctx.tenant.id))).toEqual(strip(stateAfterFirst));

    const replaced = await upsertRole(ctx, "guarded", { rules: [{ server: "db", pattern: "query", effect: "allow", condition: "args.table == 'orders'" }] });
    expect(replaced.rules).toEqual([{ target: "tool", server: "db", pattern: "query", effect: "allow", condition: "args.table == 'orders'", message: null, approval: null }]);
  });
});

describe("deleteRole", () => {
  it("removes the role, its rules and its bindings; the agents stay", async () => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    const agent = await createAgent(ctx, { name: "bot", roles: ["readers"] });

    await deleteRole(ctx, "readers");

    expect(await roleState(ctx.tenant.id)).toEqual({ roles: [], rules: [], bindings: [] });
    expect((await getAgent(ctx, agent.id)).roles).toEqual([]);
    await expectAppError(deleteRole(ctx, "readers"), "not_found", 'The role "readers" was not found.');
  });
});

describe("permissions", () => {
  it.each(["reviewer", "auditor", "viewer"] as const)("a %s can read roles but change nothing", async (role) => {
    const ctx = await createTestTenant();
    await createRole(ctx, { name: "readers", rules: readRules });
    const member = (await createTestMember(ctx, role)).ctx;

    expect((await listRoles(member)).map((r) => r.name)).toEqual(["readers"]);
    expect((await getRole(member, "readers")).rules).toHaveLength(2);

    await expectRefusedUnchanged(ctx, () => createRole(member, { name: "mine" }), "forbidden");
    await expectRefusedUnchanged(ctx, () => updateRole(member, "readers", { rules: [] }), "forbidden");
    await expectRefusedUnchanged(ctx, () => upsertRole(member, "readers", { rules: [] }), "forbidden");
    await expectRefusedUnchanged(ctx, () => deleteRole(member, "readers"), "forbidden");
  });
});

describe("tenant isolation", () => {
  it("another tenant cannot see, change or delete a role by its name; PUT there makes its own", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    await createRole(a, { name: "readers", rules: readRules });
    const stateOfA = await roleState(a.tenant.id);

    expect(await listRoles(b)).toEqual([]);
    await expectAppError(getRole(b, "readers"), "not_found");
    await expectAppError(updateRole(b, "readers", { rules: [] }), "not_found");
    await expectAppError(deleteRole(b, "readers"), "not_found");
    const own = await upsertRole(b, "readers", { rules: [] });
    expect(own.rules).toEqual([]);

    expect(await roleState(a.tenant.id)).toEqual(stateOfA);
  });
});
