import { afterEach, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { approvalIdIn, approvalRow, connect, createPolicyTenant, textOf, toolCallEvents, upstreamRuns, type PolicyTenant } from "@/test/policy";

// Effects and conditions of access rules, seen by a real SDK client through the
// endpoint, with the fixture upstream behind it and the audit log in Postgres.

const open: { client?: Client; pt?: PolicyTenant }[] = [];

async function setUp(options: Parameters<typeof createPolicyTenant>[0]) {
  const pt = await createPolicyTenant(options);
  const client = await connect(pt);
  open.push({ client, pt });
  return { pt, client };
}

afterEach(async () => {
  for (const { client, pt } of open.splice(0)) {
    await client?.close();
    await pt?.fixture.close();
  }
});

const listed = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);
const lastCall = async (pt: PolicyTenant) => (await toolCallEvents(pt.tenantId)).at(-1)!;

describe("rule effects", () => {
  it("allow: the call runs and the audit names the rule", async () => {
    const { pt, client } = await setUp({ roles: { r: [{ server: "fixture", pattern: "echo", effect: "allow" }] } });
    expect(await listed(client)).toEqual(["fixture__echo"]);
    const result = await client.callTool({ name: "fixture__echo", arguments: { message: "hi" } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('{"message":"hi"}');
    expect(await lastCall(pt)).toMatchObject({ tool: "echo", decision: "allowed", outcome: "ok", rule: "r#1", reason: 'allowed by rule 1 of role "r"', approvalId: null });
  });

  it("unconditional deny: the tool is hidden and calling it is an unknown tool", async () => {
    const { pt, client } = await setUp({
      roles: { r: [{ server: "fixture", pattern: "*", effect: "allow" }, { server: "fixture", pattern: "delete_*", effect: "deny", message: "never" }] },
    });
    expect(await listed(client)).not.toContain("fixture__delete_everything");
    const error = await client.callTool({ name: "fixture__delete_everything", arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toMatch(/Unknown tool: fixture__delete_everything/);
    expect((error as McpError).message).not.toMatch(/never/);
    expect(upstreamRuns(pt.fixture, "delete_everything")).toBe(0);
    expect(await lastCall(pt)).toMatchObject({ tool: "delete_everything", decision: "denied", outcome: "denied", rule: "r#2" });
  });

  it("conditional deny: the tool is listed; a denied call is a tool error with the rule's message", async () => {
    const { pt, client } = await setUp({
      roles: {
        r: [
          { server: "fixture", pattern: "echo", effect: "allow" },
          { server: "fixture", pattern: "echo", effect: "deny", condition: "args.message == 'secret'", message: "Secrets stay in the vault." },
        ],
      },
    });
    expect(await listed(client)).toEqual(["fixture__echo"]);
    const denied = await client.callTool({ name: "fixture__echo", arguments: { message: "secret" } });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toBe("Gatehouse denied this call: Secrets stay in the vault.");
    expect(upstreamRuns(pt.fixture, "echo")).toBe(0);
    expect(await lastCall(pt)).toMatchObject({ decision: "denied", outcome: "denied", rule: "r#2" });
    expect((await lastCall(pt)).reason).toBe(`denied by rule 2 of role "r", as args.message == 'secret' holds`);

    const allowed = await client.callTool({ name: "fixture__echo", arguments: { message: "public" } });
    expect(textOf(allowed)).toBe('{"message":"public"}');
    expect(await lastCall(pt)).toMatchObject({ decision: "allowed", outcome: "ok", rule: "r#1" });
  });

  it("a condition that fails at call time denies the call (fail closed) and says why in the audit", async () => {
    const { pt, client } = await setUp({ servers: ["db"], roles: { support: [{ server: "db", pattern: "query", effect: "allow", condition: "args.table != 'x'" }] } });
    expect(await listed(client)).toEqual(["db__query"]);
    const result = await client.callTool({ name: "db__query", arguments: { where: "1=1" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("Gatehouse denied this call: the access policy could not be evaluated for these arguments.");
    expect(upstreamRuns(pt.fixture, "query")).toBe(0);
    const event = await lastCall(pt);
    expect(event).toMatchObject({ server: "db", tool: "query", decision: "denied", outcome: "denied", rule: "support#1" });
    expect(event.reason).toMatch(/^the condition of rule 1 of role "support" could not be evaluated \(.+\), so the call is denied$/);
    expect(event.reason).toMatch(/table/);
  });
});

describe("precedence across roles bound to one agent", () => {
  // Role names sort the deny first and the allow last: the order rules are read in must not matter.
  const roles = {
    "a-blocked": [
      { server: "fixture", pattern: "add", effect: "deny" as const },
      { server: "fixture", pattern: "echo", effect: "deny" as const, condition: "args.message == 'stop'", message: "Stopped by policy." },
    ],
    "b-held": [
      { server: "fixture", pattern: "add", effect: "require_approval" as const },
      { server: "fixture", pattern: "echo", effect: "require_approval" as const },
    ],
    "c-base": [{ server: "fixture", pattern: "*", effect: "allow" as const }],
  };

  it("deny beats require_approval beats allow, whatever role each comes from", async () => {
    const { pt, client } = await setUp({ roles, approvalWaitSeconds: 0 });
    const names = await listed(client);
    expect(names).toContain("fixture__echo");
    expect(names).toContain("fixture__whoami_headers");
    expect(names).not.toContain("fixture__add");

    // allow (c-base) + require_approval (b-held) → held
    const held = await client.callTool({ name: "fixture__echo", arguments: { message: "go" } });
    expect(held.isError).toBe(true);
    const id = approvalIdIn(textOf(held));
    expect(await approvalRow(pt.tenantId, id)).toMatchObject({ status: "pending", tool: "echo", rule: { role: "b-held", position: 2 } });
    expect(await lastCall(pt)).toMatchObject({ decision: "approval_required", outcome: "pending", rule: "b-held#2", approvalId: id });

    // + a deny whose condition holds (a-blocked) → denied with its message, no request
    const stopped = await client.callTool({ name: "fixture__echo", arguments: { message: "stop" } });
    expect(textOf(stopped)).toBe("Gatehouse denied this call: Stopped by policy.");
    expect(await lastCall(pt)).toMatchObject({ decision: "denied", outcome: "denied", rule: "a-blocked#2", approvalId: null });

    // unconditional deny + require_approval + allow → hidden, unknown
    await expect(client.callTool({ name: "fixture__add", arguments: { a: 1, b: 2 } })).rejects.toThrow(/Unknown tool: fixture__add/);
    expect(upstreamRuns(pt.fixture, "echo") + upstreamRuns(pt.fixture, "add")).toBe(0);
  });
});

describe("the README's example policies", () => {
  it("db__query only when the table is not financials", async () => {
    const { pt, client } = await setUp({ servers: ["db"], roles: { support: [{ server: "db", pattern: "query", effect: "allow", condition: "args.table != 'financials'" }] } });
    expect(await listed(client)).toEqual(["db__query"]);
    expect(textOf(await client.callTool({ name: "db__query", arguments: { table: "customers" } }))).toBe("rows of customers");
    const denied = await client.callTool({ name: "db__query", arguments: { table: "financials" } });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toBe("Gatehouse denied this call: your access roles do not allow it with these arguments.");
    expect(upstreamRuns(pt.fixture, "query")).toBe(1);
    expect(await lastCall(pt)).toMatchObject({ decision: "denied", outcome: "denied", reason: "no rule allows it (deny by default)" });
  });

  it("refunds: one approval above 100, two above 1,000, denied above 10,000", async () => {
    const { pt, client } = await setUp({
      servers: ["payments"],
      approvalWaitSeconds: 0,
      roles: {
        payments: [
          { server: "payments", pattern: "refund", effect: "deny", condition: "args.amount > 10000", message: "Refunds above 10,000 go through finance." },
          { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 1000", approval: { approvalsRequired: 2, approverRole: "admin", ttlSeconds: 600 } },
          { server: "payments", pattern: "refund", effect: "require_approval", condition: "args.amount > 100", approval: { approvalsRequired: 1, approverRole: "reviewer", ttlSeconds: 600 } },
          { server: "payments", pattern: "refund", effect: "allow" },
        ],
      },
    });
    const refund = (amount: number) => client.callTool({ name: "payments__refund", arguments: { amount } });

    for (const amount of [50, 100]) expect(textOf(await refund(amount))).toBe(`refunded ${amount}`);
    expect(await lastCall(pt)).toMatchObject({ decision: "allowed", rule: "payments#4" });

    const one = approvalIdIn(textOf(await refund(500)));
    expect(await approvalRow(pt.tenantId, one)).toMatchObject({ approvalsRequired: 1, approverRole: "reviewer", rule: { role: "payments", position: 3 } });
    const two = approvalIdIn(textOf(await refund(5000)));
    expect(two).not.toBe(one);
    expect(await approvalRow(pt.tenantId, two)).toMatchObject({ approvalsRequired: 2, approverRole: "admin", rule: { role: "payments", position: 2 } });

    const denied = await refund(50_000);
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toBe("Gatehouse denied this call: Refunds above 10,000 go through finance.");
    expect(await lastCall(pt)).toMatchObject({ decision: "denied", rule: "payments#1", approvalId: null });
    expect(pt.fixture.record.calls.map((c) => c.arguments.amount)).toEqual([50, 100]);
  });

  it("only on weekdays 08:00–18:00 Europe/Berlin: decides as the current Berlin time implies", async () => {
    const hours = "request.time.getHours('Europe/Berlin')";
    const { pt, client } = await setUp({
      roles: {
        base: [{ server: "fixture", pattern: "*", effect: "allow" }],
        office: [
          {
            server: "*",
            pattern: "*",
            effect: "deny",
            condition: `!(request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && ${hours} >= 8 && ${hours} < 18)`,
            message: "Only on weekdays, 08:00 to 18:00 Berlin time.",
          },
        ],
      },
    });
    expect(await listed(client)).toContain("fixture__echo");
    // The clock cannot be set: compute what now implies, and call again if the hour turned meanwhile.
    for (let attempt = 0; ; attempt++) {
      const before = officeHoursInBerlin(new Date());
      const result = await client.callTool({ name: "fixture__echo", arguments: { message: "when" } });
      if (officeHoursInBerlin(new Date()) !== before && attempt < 2) continue;
      const event = await lastCall(pt);
      if (before) {
        expect(textOf(result)).toBe('{"message":"when"}');
        expect(event).toMatchObject({ decision: "allowed", rule: "base#1" });
      } else {
        expect(textOf(result)).toBe("Gatehouse denied this call: Only on weekdays, 08:00 to 18:00 Berlin time.");
        expect(event).toMatchObject({ decision: "denied", rule: "office#1" });
      }
      break;
    }
  });
});

function officeHoursInBerlin(now: Date): boolean {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", weekday: "short", hour: "numeric", hourCycle: "h23" }).formatToParts(now);
  const weekday = parts.find((p) => p.type === "weekday")!.value;
  const hour = Number(parts.find((p) => p.type === "hour")!.value);
  return ["Mon", "Tue", "Wed", "Thu", "Fri"].includes(weekday) && hour >= 8 && hour < 18;
}
