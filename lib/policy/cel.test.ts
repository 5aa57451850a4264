import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkCondition, compileCondition, CONDITION_REFERENCE, ConditionError, type ConditionBindings } from "./cel";

type Overrides = { [K in keyof ConditionBindings]?: Partial<ConditionBindings[K]> };

function bindings(overrides: Overrides = {}): ConditionBindings {
  return {
    args: { table: "users", amount: 150 },
    tool: { server: "db", name: "query", annotations: {}, ...overrides.tool },
    agent: { id: "agt_1", name: "reporter", labels: { team: "finance" }, ...overrides.agent },
    tenant: { id: "tnt_1", slug: "acme", name: "Acme", ...overrides.tenant },
    request: { time: new Date("2026-01-14T10:00:00Z"), client: { name: "claude-code", version: "1.2.0" }, source: "10.0.0.7", ...overrides.request },
    session: { id: "ses_1", calls: [], ...overrides.session },
    ...(overrides.args && { args: overrides.args as Record<string, unknown> }),
  };
}

const evaluate = (source: string, overrides: Overrides = {}) => compileCondition(source).evaluate(bindings(overrides));

/** The ConditionError an evaluation throws (fails the test if it returns). */
function conditionError(source: string, overrides: Overrides = {}): ConditionError {
  try {
    evaluate(source, overrides);
  } catch (e) {
    if (e instanceof ConditionError) return e;
    throw e;
  }
  throw new Error(`expected ${source} to throw a ConditionError`);
}

function compileError(source: string): AppError {
  try {
    compileCondition(source);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error(`expected ${source} not to compile`);
}

describe("the example policies", () => {
  it("deny one table", () => {
    const condition = "args.table != 'financials'";
    expect(evaluate(condition, { args: { table: "users" } })).toBe(true);
    expect(evaluate(condition, { args: { table: "financials" } })).toBe(false);
  });

  it.each([
    [150, [true, false, false]],
    [150.5, [true, false, false]],
    [1000, [true, false, false]],
    [1000.25, [true, true, false]],
    [10000, [true, true, false]],
    [20000, [true, true, true]],
    [-5, [false, false, false]],
  ])("amount thresholds for %s", (amount, expected) => {
    const results = ["args.amount > 100", "args.amount > 1000", "args.amount > 10000"].map((c) => evaluate(c, { args: { amount } }));
    expect(results).toEqual(expected);
  });

  it("compares JSON numbers with int and double literals alike", () => {
    for (const condition of ["args.amount > 100", "args.amount > 100.0", "args.amount == 150", "args.amount <= 10000", "args.amount in [150, 200]", "args.amount == 150u"]) {
      expect(evaluate(condition, { args: { amount: 150 } }), condition).toBe(true);
    }
    expect(evaluate("args.amount == 150", { args: { amount: 150.5 } })).toBe(false);
    expect(evaluate("args.amount > 150 && args.amount < 151", { args: { amount: 150.5 } })).toBe(true);
    expect(evaluate("args.amount == 9007199254740992", { args: { amount: 2 ** 53 } })).toBe(true);
    expect(evaluate("args.amount == 0", { args: { amount: -0 } })).toBe(true);
    expect(evaluate("args.amount > 1000000", { args: { amount: 1e21 } })).toBe(true);
    expect(evaluate("int(args.amount) + 1 == 151", { args: { amount: 150.9 } })).toBe(true);
    expect(evaluate("args.ids[args.i] == 30", { args: { ids: [10, 20, 30], i: 2 } })).toBe(true);
  });

  describe("only on weekdays 08:00–18:00 in Berlin", () => {
    const officeHours =
      "request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && request.time.getHours('Europe/Berlin') >= 8 && request.time.getHours('Europe/Berlin') < 18";
    it.each([
      ["winter, Wednesday 07:59 CET", "2026-01-14T06:59:00Z", false],
      ["winter, Wednesday 08:00 CET", "2026-01-14T07:00:00Z", true],
      ["winter, Wednesday 17:59 CET", "2026-01-14T16:59:59Z", true],
      ["winter, Wednesday 18:00 CET", "2026-01-14T17:00:00Z", false],
      ["summer, Wednesday 07:59 CEST", "2026-07-15T05:59:00Z", false],
      ["summer, Wednesday 08:00 CEST", "2026-07-15T06:00:00Z", true],
      ["summer, Wednesday 17:59 CEST", "2026-07-15T15:59:00Z", true],
      ["summer, Wednesday 18:00 CEST", "2026-07-15T16:00:00Z", false],
      ["Saturday 10:00", "2026-01-17T09:00:00Z", false],
      ["Sunday 10:00", "2026-07-19T08:00:00Z", false],
      ["Friday 23:30 UTC is Saturday in Berlin", "2026-01-16T23:30:00Z", false],
      ["Sunday 23:30 UTC is Monday 01:30 in Berlin", "2026-01-18T23:30:00Z", false],
      ["Monday 09:00 in Berlin is still Monday in UTC", "2026-01-19T08:00:00Z", true],
    ])("%s", (_, at, expected) => {
      expect(evaluate(officeHours, { request: { time: new Date(at) } })).toBe(expected);
    });

    it("reads hours, minutes and days across the DST switches and in other zones", () => {
      const at = (iso: string, expr: string) => evaluate(expr, { request: { time: new Date(iso) } });
      expect(at("2026-03-29T00:30:00Z", "request.time.getHours('Europe/Berlin') == 1")).toBe(true);
      expect(at("2026-03-29T01:30:00Z", "request.time.getHours('Europe/Berlin') == 3")).toBe(true);
      expect(at("2026-10-25T00:30:00Z", "request.time.getHours('Europe/Berlin') == 2")).toBe(true);
      expect(at("2026-10-25T01:30:00Z", "request.time.getHours('Europe/Berlin') == 2")).toBe(true);
      expect(at("2026-10-25T02:30:00Z", "request.time.getHours('Europe/Berlin') == 3")).toBe(true);
      expect(at("2026-01-14T23:30:00Z", "request.time.getHours('Europe/Berlin') == 0 && request.time.getDayOfWeek('Europe/Berlin') == 4")).toBe(true);
      expect(at("2026-01-14T10:00:00Z", "request.time.getHours('Asia/Kolkata') == 15 && request.time.getMinutes('Asia/Kolkata') == 30")).toBe(true);
      expect(at("2026-01-14T10:00:00Z", "request.time.getHours('+05:30') == 15 && request.time.getMinutes('-01:15') == 45")).toBe(true);
      expect(at("2026-12-31T23:30:00Z", "request.time.getFullYear('Europe/Berlin') == 2027 && request.time.getDayOfYear('Europe/Berlin') == 0")).toBe(true);
      expect(at("2026-12-31T23:30:00Z", "request.time.getMonth() == 11 && request.time.getDate() == 31 && request.time.getDayOfMonth() == 30")).toBe(true);
    });

    it("does not depend on the server's own time zone", () => {
      // @bufbuild/cel builds a local Date: in New York, 02:30 UTC on the US switch day read as 3.
      const saved = process.env.TZ;
      process.env.TZ = "America/New_York";
      try {
        expect(new Date(2026, 2, 8, 2, 30).getHours()).toBe(3);
        expect(evaluate("request.time.getHours() == 2", { request: { time: new Date("2026-03-08T02:30:00Z") } })).toBe(true);
        expect(evaluate("request.time.getDayOfYear() == 181", { request: { time: new Date("2026-07-01T00:30:00Z") } })).toBe(true);
        expect(evaluate("request.time.getHours('Europe/Berlin') == 3", { request: { time: new Date("2026-03-08T02:30:00Z") } })).toBe(true);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it("compares timestamps and durations", () => {
      const time = { request: { time: new Date("2026-01-14T10:00:00Z") } };
      expect(evaluate("request.time > timestamp('2026-01-01T00:00:00Z')", time)).toBe(true);
      expect(evaluate("request.time - timestamp('2026-01-14T09:00:00Z') == duration('1h')", time)).toBe(true);
      expect(evaluate("request.time + duration('90m') < timestamp('2026-01-14T11:31:00Z')", time)).toBe(true);
      expect(evaluate("duration('1h') > duration('30m')")).toBe(true);
    });
  });

  it("checks a tool annotation, with MCP's defaults for the missing ones", () => {
    const destructive = "tool.annotations.destructiveHint == true";
    expect(evaluate(destructive, { tool: { annotations: { destructiveHint: true } } })).toBe(true);
    expect(evaluate(destructive, { tool: { annotations: { destructiveHint: false } } })).toBe(false);
    expect(evaluate(destructive, { tool: { annotations: {} } })).toBe(true);
    expect(evaluate(destructive, { tool: { annotations: { destructiveHint: "false" } } })).toBe(true);
    expect(evaluate("!tool.annotations.readOnlyHint && !tool.annotations.idempotentHint && tool.annotations.openWorldHint")).toBe(true);
    expect(evaluate("tool.annotations.title == 'Run SQL'", { tool: { annotations: { title: "Run SQL" } } })).toBe(true);
    expect(evaluate("tool.title == '' && tool.description == ''")).toBe(true);
    expect(evaluate("tool.title == 'Query'", { tool: { title: "Query" } })).toBe(true);
  });
});

describe("session history", () => {
  const call = (tool: string, decision: "allow" | "deny" = "allow") => ({ server: "fs", tool, name: `fs__${tool}`, decision, at: new Date("2026-01-14T09:00:00Z") });

  it("sees the earlier calls", () => {
    const calls = [call("list_dir"), call("read_file"), call("write_file", "deny")];
    expect(evaluate("session.calls.exists(c, c.tool == 'read_file')", { session: { calls } })).toBe(true);
    expect(evaluate("session.calls.exists(c, c.tool == 'read_file')", { session: { calls: [call("list_dir")] } })).toBe(false);
    expect(evaluate("session.calls.size() < 5", { session: { calls } })).toBe(true);
    expect(evaluate("session.calls.size() < 5", { session: { calls: [...calls, ...calls] } })).toBe(false);
    expect(evaluate("session.calls.filter(c, c.decision == 'deny').size() == 1", { session: { calls } })).toBe(true);
    expect(evaluate("session.calls.all(c, request.time - c.at < duration('2h'))", { session: { calls } })).toBe(true);
    expect(evaluate("session.calls.exists(c, c.name == 'fs__write_file')", { session: { calls } })).toBe(true);
  });

  it.each([
    ["args.table == 'x' && tool.name == 'query'", ["args", "tool"]],
    ["session.calls.size() < 5", ["session"]],
    ["request.time.getHours('Europe/Berlin') < 18", ["request"]],
    ["agent.labels.team == 'finance' || tenant.slug == 'acme'", ["agent", "tenant"]],
    ["args.ids.exists(session, session == 1)", ["args"]],
    ["[1, 2].exists(x, x == 2)", []],
    ["session.id != '' && session.calls.exists(c, c.tool == args.tool)", ["session", "args"]],
  ])("%s reads %j", (source, uses) => {
    expect([...compileCondition(source).uses].sort()).toEqual([...uses].sort());
  });
});

describe("args", () => {
  it("reads nested objects and lists", () => {
    const args = { filter: { table: "orders", where: { id: 7 } }, ids: Array.from({ length: 12 }, (_, i) => i), tags: ["dev", "prod"] };
    expect(evaluate("args.filter.table == 'orders' && args.filter.where.id == 7", { args })).toBe(true);
    expect(evaluate("args.ids.size() > 10", { args })).toBe(true);
    expect(evaluate("args.tags.exists(t, t == 'prod')", { args })).toBe(true);
    expect(evaluate("'prod' in args.tags && !('staging' in args.tags)", { args })).toBe(true);
    expect(evaluate("args.ids.filter(i, i > 9.0) == [10, 11]", { args })).toBe(true);
    expect(evaluate("args.ids.map(i, i * 2.0)[11] == 22", { args })).toBe(true);
    expect(evaluate("args['filter']['table'] == 'orders'", { args })).toBe(true);
  });

  it("tests presence with has()", () => {
    expect(evaluate("has(args.table)", { args: { table: "x" } })).toBe(true);
    expect(evaluate("has(args.table)", { args: {} })).toBe(false);
    expect(evaluate("has(args.filter.table)", { args: { filter: {} } })).toBe(false);
    expect(evaluate("!has(args.path) || args.path.startsWith('/tmp/')", { args: {} })).toBe(true);
    // JSON.stringify drops undefined members, and so do conditions.
    expect(evaluate("has(args.table)", { args: { table: undefined } })).toBe(false);
  });

  it("fails closed on a missing key", () => {
    expect(conditionError("args.table == 'x'", { args: {} }).message).toBe('no such key "table" (line 1, column 6)');
    expect(conditionError("args.filter.table == 'x'", { args: { filter: {} } }).message).toBe('no such key "table" (line 1, column 13)');
    expect(conditionError("agent.labels.region == 'eu'").message).toBe('no such key "region" (line 1, column 14)');
  });

  it("fails closed when the values are of another type than the condition expects", () => {
    expect(conditionError("args.tags.all(t, t)", { args: { tags: ["a"] } }).message).toMatch(/^type mismatch: expected bool, got string/);
    expect(conditionError("args.amount > 100", { args: { amount: "lots" } }).message).toMatch(/^found no matching overload for '_>_' applied to '\(string, int\)'/);
  });

  it("refuses a non-bool result at runtime", () => {
    expect(conditionError("args.amount", { args: { amount: 3 } }).message).toBe("the condition must be true or false, but it gave a double");
    expect(conditionError("args.flag", { args: { flag: "yes" } }).message).toBe("the condition must be true or false, but it gave a string");
    expect(conditionError("args.flag", { args: { flag: null } }).message).toBe("the condition must be true or false, but it gave null");
    expect(evaluate("args.flag", { args: { flag: true } })).toBe(true);
  });

  it("takes dates as ISO strings and leaves conditions that do not read args alone", () => {
    expect(evaluate("args.when == '2026-01-14T10:00:00.000Z'", { args: { when: new Date("2026-01-14T10:00:00Z") } })).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(evaluate("tool.name == 'query'", { args: { deep } })).toBe(true);
  });
});

describe("compile errors", () => {
  it.each([
    // syntax
    ["tool.name ==", 1, 11, '"==" needs a value after it'],
    ["args.x == 'abc", 1, 11, "this string is not closed"],
    ["(args.x == 1", 1, 1, 'this "(" is never closed'],
    ["args.x == 1)", 1, 12, 'unexpected ")": there is no opening bracket for it'],
    ["args.ids[0) == 1", 1, 11, 'unexpected ")": the last bracket opened is "[", closed by "]"'],
    ["args.ids.exists(x, )", 1, 18, 'a value is missing after this ","'],
    ["size(, args.ids) > 0", 1, 6, 'a value is missing before this ","'],
    ["args.x 2", 1, 8, 'unexpected "2": the expression before it is complete (is an operator such as && missing?)'],
    ["args.x == 1 &&\n  args.y ==", 2, 10, '"==" needs a value after it'],
    ["   ", 1, 1, "the condition is empty; write an expression that is true or false, such as args.amount <= 100"],
    ["in == 1", 1, 1, "reserved identifier"],
    // names, fields, functions
    ["reqest.time > timestamp('2026-01-01T00:00:00Z')", 1, 1, 'unknown name "reqest" (did you mean "request"?); a condition reads args, tool, agent, tenant, request and session'],
    ["args.ids.exists(x, x > 1.0) && x > 1.0", 1, 32, 'unknown name "x"; a condition reads args, tool, agent, tenant, request and session'],
    ["tool.nme == 'query'", 1, 6, 'tool has no field "nme" (did you mean "name"?); it has server, name, title, description, annotations'],
    ["request.clinet.name == 'x'", 1, 9, 'request has no field "clinet" (did you mean "client"?); it has time, client, source'],
    ["args.x == 1 &&\n  tool.nme == 'x'", 2, 8, 'tool has no field "nme" (did you mean "name"?); it has server, name, title, description, annotations'],
    ["session.calls.exists(c, c.tol == 'x')", 1, 27, 'an element of session.calls has no field "tol" (did you mean "tool"?); it has server, tool, name, decision, at'],
    ["has(tool.nme)", 1, 1, 'tool has no field "nme" (did you mean "name"?); it has server, name, title, description, annotations'],
    ["tool.name.size == 3", 1, 11, "a string has no fields; to call size, write .size()"],
    ["foo(1)", 1, 1, 'unknown function "foo"'],
    ["tool.name.nme()", 1, 11, 'unknown method "nme"'],
    ["tool.name.startWith('a')", 1, 11, 'unknown method "startWith" (did you mean "startsWith"?)'],
    ["tool.name.startsWith()", 1, 11, "startsWith takes 1 argument, not 0"],
    ["tool.name.replace('a')", 1, 11, "replace takes 2 or 3 arguments, not 1"],
    ["startsWith(tool.name, 'a')", 1, 1, "startsWith is a method: write value.startsWith(…)"],
    ["tool.name.int() == 1", 1, 11, "int is a function: write int(value)"],
    ["has(args)", 1, 1, "has() takes a field: has(args.table)"],
    ["args.ids.exists(1, true)", 1, 10, "exists() takes a name and a condition: list.exists(x, x == 'prod')"],
    // types
    ["tool.name > 3", 1, 11, "'>' cannot compare a string with an int"],
    ["1 + 'a' == 2", 1, 3, "'+' cannot be applied to an int and a string"],
    ["request.time.getHours('Europe/Berlin') == 'x'", 1, 40, "'==' compares an int with a string, which is never equal"],
    ["args.amount + 1 > 2", 1, 13, "'+' cannot be applied to a JSON value and an int (JSON numbers in args are doubles: write 2.0 rather than 2, or convert with int(…))"],
    ["args.ids.exists(x, x * 2 > 3)", 1, 22, "'*' cannot be applied to a JSON value and an int (JSON numbers in args are doubles: write 2.0 rather than 2, or convert with int(…))"],
    ["args.when > timestamp('2026-01-01T00:00:00Z')", 1, 11, "'>' cannot compare a JSON value with a timestamp"],
    ["!tool.name", 1, 1, "'!' cannot be applied to a string"],
    ["tool.name && true", 1, 1, "'&&' needs true or false on both sides, this is a string"],
    ["tool.name.startsWith(1)", 1, 11, "startsWith() takes (string), not (int)"],
    ["args.ids.size().getHours() == 1", 1, 17, "getHours() cannot be called on an int"],
    ["'x' in [1, 2]", 1, 5, "'in' looks for a string in a list of ints, which is never found"],
    ["session.calls.exists(c, c.tool)", 1, 25, "the condition in exists() must be true or false, this is a string"],
    ["tool.name.exists(c, true)", 1, 11, "exists() needs a list or a map, not a string"],
    ["tool.name[0] == 'q'", 1, 10, "a string cannot be indexed"],
    ["[1, 2]['a'] == 1", 1, 7, "a list index is a number, not a string"],
    ["request.time.getHours('Europe/Berln') < 18", 1, 23, 'unknown time zone "Europe/Berln"; use an IANA name such as "Europe/Berlin" or an offset such as "+01:00"'],
    ["tool.name.matches('(')", 1, 19, "invalid regular expression: error parsing regexp: missing closing ): `(`"],
    // results
    ["1 + 2", 1, 1, "a condition must be true or false, this is an int"],
    ["  tool.name", 1, 3, "a condition must be true or false, this is a string"],
    ["request.time", 1, 1, "a condition must be true or false, this is a timestamp"],
    ["args.ids.map(x, x)", 1, 1, "a condition must be true or false, this is a list of JSON values"],
    // constant parts, evaluated once
    ["args.x == 1 || 1 / 0 == 1", 1, 18, "this always fails: int divide by zero"],
    ["timestamp('2026-13-01T00:00:00Z') < request.time", 1, 1, "this always fails: invalid timestamp; write one like '2026-01-01T00:00:00Z'"],
    ["request.time - timestamp('2026-01-01T00:00:00Z') < duration('1x')", 1, 52, "this always fails: invalid duration; write one like '90s', '15m' or '1h30m'"],
    ["[1, 2, 3][5] == 1", 1, 10, "this always fails: index 5 is out of bounds"],
  ])("%j at %i:%i", (source, line, column, message) => {
    const error = compileError(source);
    const full = `line ${line}, column ${column}: ${message}`;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe(full);
    expect(error.fields).toEqual({ condition: [full] });
    expect(checkCondition(source)).toEqual({ ok: false, message, line, column });
  });

  it.each([
    "args.anything.deeper.still == 1",
    "agent.labels.whatever == 'x'",
    "tool.annotations.custom == 'x' && has(tool.annotations.title)",
    "type(args.x) == string || type(request.time) == google.protobuf.Timestamp",
    "dyn(1) == 1.0 && 1 == 1.0 && 1u == 1",
    "args.ids.map(x, x * 2.0)[0] > 1.0",
    "[1, 'a'].size() == 2 && {'a': 1, 'b': 'x'}.size() == 2",
    "strings.quote('a') == '\"a\"'",
    "int(args.amount) + 1 > 2 && double(1) == 1.0 && uint(1) == 1u",
    "size(args.ids) > 1 && args.ids.size() > 1 && size(tool.name) > 0",
    "'x' in args.tags && 'team' in agent.labels && 'name' in tool",
    "args.n == null && tool.name != null",
    "request.time.getHours() >= 0 && request.time + duration('1h') > request.time",
    "b'a' == bytes('a') && [1, 2] + [3] == [1, 2, 3]",
    "tool.name.split('_').size() > 0 && args.tags.join(',') != '' && '%s'.format([tool.name]) != ''",
    "args.amount > 100 ? tool.name.indexOf('q') >= 0 : !(args.amount > 100)",
    "-args.amount < 0.0 && args.xs.exists(x, x.exists(y, y == 1))",
    "args.m.exists(k, k == 'a') && tool.exists(k, k == 'name') && args.m.a == 1",
    "args.ids.exists_one(x, x == 1.0) && args.ids.map(x, x > 1.0, x * 2.0).size() >= 0",
    "tool.name.matches('^q.*y$') && tool.name.lowerAscii().upperAscii() == 'QUERY'",
    "google.protobuf.Timestamp{seconds: 0} < request.time",
    "// a comment\nargs.amount > 100 // and another",
  ])("accepts %j", (source) => {
    expect(checkCondition(source)).toEqual({ ok: true });
  });
});

describe("cost bounds", () => {
  it("rejects a long source, a large tree and deep nesting when saving", () => {
    const long = `tool.name == '${"x".repeat(2000)}'`;
    expect(checkCondition(long)).toEqual({ ok: false, line: 1, column: 2001, message: `a condition has at most 2000 characters, this one has ${long.length}` });
    // 604 parts: the list, its 600 elements, size, > and 0; the 501st in source order is element 500, at column 1000.
    const large = `[${Array(600).fill("1").join(",")}].size() > 0`;
    expect(checkCondition(large)).toEqual({ ok: false, line: 1, column: 1000, message: "the condition is too complex (604 parts, at most 500); split it across rules" });
    const deep = "args.a.exists(x, args.b.exists(y, args.c.exists(z, x == y && y == z)))";
    expect(checkCondition(deep)).toEqual({ ok: false, line: 1, column: 42, message: "all, exists, exists_one, map and filter may be nested at most 2 deep" });
    expect(checkCondition("args.a.map(x, x).exists(y, args.b.exists(z, y == z))")).toEqual({ ok: true });
    expect(checkCondition(`${"(".repeat(997)}true${")".repeat(997)}`)).toEqual({ ok: false, line: 1, column: 1, message: "the condition is nested too deeply to read" });
  });

  const xs = Array.from({ length: 5000 }, (_, i) => i);
  /**
   * The error and the CPU time of an evaluation once the JIT has seen it: CPU,
   * because a busy test machine may give this process a tenth of a core, and
   * process CPU time counts the compiler's threads during the first run.
   */
  const timed = (source: string, args: Record<string, unknown>) => {
    const condition = compileCondition(source);
    const run = () => {
      const start = process.cpuUsage();
      try {
        condition.evaluate(bindings({ args }));
      } catch (e) {
        const { user, system } = process.cpuUsage(start);
        return { error: e, ms: (user + system) / 1000 };
      }
      throw new Error(`expected ${source} to run out of budget`);
    };
    const cold = run();
    const warm = run();
    expect((warm.error as Error).message).toBe((cold.error as Error).message);
    return warm;
  };

  const OUT_OF_STEPS = "the condition exceeded its evaluation budget: it took more than 200,000 steps";
  it.each([
    ["a nested comprehension over 5,000 elements (25 million steps)", "args.xs.exists(x, args.xs.exists(y, x + y < 0.0))", OUT_OF_STEPS],
    ["lists of lists", "args.xs.map(x, args.xs.map(y, args.xs)).size() > 0", OUT_OF_STEPS],
    ["a budget error that || would absorb", "args.xs.exists(x, args.xs.exists(y, x < 0.0)) || true", OUT_OF_STEPS],
    ["work on long strings in a loop", "args.xs.all(x, (args.s + args.s + args.s).size() > 0)", OUT_OF_STEPS],
    ["a string that grows quadratically", "args.s.replace('', args.s).size() > 0", "the condition exceeded its evaluation budget: it built a string of more than 1,000,000 characters"],
    ["lists that grow", "args.xs.map(x, args.xs + args.xs + args.xs).size() > 0", OUT_OF_STEPS],
  ])("interrupts %s", (_, source, reason) => {
    const { error, ms } = timed(source, { xs, s: "x".repeat(100_000) });
    expect(error).toBeInstanceOf(ConditionError);
    expect((error as Error).message).toBe(reason);
    expect(ms).toBeLessThan(100);
  });

  it("counts steps deterministically", () => {
    // About 150 × 75 inner iterations of 10 steps (1, 8 nodes, and == on two values): some 115,000.
    const args = { xs: xs.slice(0, 150) };
    for (let i = 0; i < 3; i++) expect(evaluate("args.xs.all(x, args.xs.exists(y, x == y))", { args })).toBe(true);
    // 150 × 150 inner iterations of 11 steps: some 247,000.
    for (let i = 0; i < 3; i++) expect(conditionError("args.xs.all(x, args.xs.all(y, args.xs.size() > 0))", { args }).message).toBe(OUT_OF_STEPS);
  });

  it("refuses a list that outgrows the cap", () => {
    const error = conditionError("(args.xs + args.xs + args.xs + args.xs).size() > 0", { args: { xs: Array.from({ length: 30_000 }, (_, i) => i) } });
    expect(error.message).toBe("the condition exceeded its evaluation budget: it built a list of more than 100,000 elements");
  });

  it("evaluates normally after a budget error", () => {
    expect(timed("args.xs.exists(x, args.xs.exists(y, x < 0.0))", { xs }).error).toBeInstanceOf(ConditionError);
    expect(evaluate("args.amount > 100")).toBe(true);
  });

  it("builds map and filter results in place, and iterates them", () => {
    // The library nests one concatenation per element, which makes iterating the result quadratic.
    const args = { xs: xs.slice(0, 1000) };
    expect(evaluate("args.xs.map(x, x).exists(y, y < 0.0)", { args })).toBe(false);
    expect(evaluate("args.xs.filter(x, x >= 998.0) == [998, 999]", { args })).toBe(true);
    expect(evaluate("args.xs.map(x, [x]).map(p, p[0]).size() == 1000", { args })).toBe(true);
    expect(evaluate("args.xs.map(x, x * 2.0).map(y, y + 1.0)[999] == 1999", { args })).toBe(true);
  });

  it("bounds the input it converts", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { next: deep };
    expect(conditionError("has(args.next)", { args: deep as Record<string, unknown> }).message).toBe(
      "the condition exceeded its evaluation budget: the call's input holds values nested more than 64 deep",
    );
    const many = { ids: Array.from({ length: 100_001 }, (_, i) => i) };
    expect(conditionError("args.ids.size() > 0", { args: many }).message).toBe("the condition exceeded its evaluation budget: the call's input holds more than 100,000 values");
  });
});

describe("compileCondition", () => {
  it("caches by source", () => {
    expect(compileCondition("args.amount > 7")).toBe(compileCondition("args.amount > 7"));
  });

  it("keeps the source", () => {
    expect(compileCondition("tool.name == 'x'").source).toBe("tool.name == 'x'");
  });
});

describe("CONDITION_REFERENCE", () => {
  it("lists every variable and field", () => {
    expect(CONDITION_REFERENCE.map((e) => e.name)).toEqual([
      "args",
      "tool",
      "tool.server",
      "tool.name",
      "tool.title",
      "tool.description",
      "tool.annotations",
      "tool.annotations.readOnlyHint",
      "tool.annotations.destructiveHint",
      "tool.annotations.idempotentHint",
      "tool.annotations.openWorldHint",
      "agent",
      "agent.id",
      "agent.name",
      "agent.labels",
      "tenant",
      "tenant.id",
      "tenant.slug",
      "tenant.name",
      "request",
      "request.time",
      "request.client",
      "request.client.name",
      "request.client.version",
      "request.source",
      "session",
      "session.id",
      "session.calls",
      "session.calls[].server",
      "session.calls[].tool",
      "session.calls[].name",
      "session.calls[].decision",
      "session.calls[].at",
    ]);
  });

  it.each(CONDITION_REFERENCE.map((e) => [e.name, e]))("%s has a type and an example that compiles", (name, entry) => {
    expect(entry.type).not.toBe("");
    const path = name.replace("session.calls[]", "c");
    const read = name.includes("[]") ? `session.calls.all(c, type(${path}) != null_type)` : `type(${path}) != null_type`;
    expect(checkCondition(read)).toEqual({ ok: true });
    const example = /e\.g\. (.*)$/.exec(entry.description)?.[1];
    expect(example, entry.description).toBeDefined();
    expect(checkCondition(example!)).toEqual({ ok: true });
  });
});
