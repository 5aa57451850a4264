import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { decideApproval } from "@/lib/approvals/decide";
import { createTestMember, type TestMember } from "@/test/factories";
import { approvalRow, createPolicyTenant, heldApproval, textOf, upstreamRuns, type PolicyTenant } from "@/test/policy";

// A call held in another app process (test/gateway-process.ts, same database) is
// decided here: the decision must reach it through Postgres LISTEN/NOTIFY, at
// once, not at the next look of a poll.

let child: ChildProcess | undefined;
let origin: string;
let pt: PolicyTenant;
let reviewer: TestMember;

async function startProcess(): Promise<string> {
  child = spawn(process.execPath, ["--import", "tsx", "test/gateway-process.ts"], { env: { ...process.env, NODE_ENV: "test" }, stdio: ["ignore", "pipe", "inherit"] });
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  for await (const chunk of child.stdout! as AsyncIterable<string>) {
    buffer += chunk;
    const match = /listening (\S+)/.exec(buffer);
    if (match) return match[1]!;
  }
  throw new Error(`gateway process exited before listening: ${buffer}`);
}

async function connectThere(): Promise<Client> {
  const client = new Client({ name: "held-elsewhere", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/t/${pt.slug}/mcp`), { requestInit: { headers: { authorization: `Bearer ${pt.key}` } } }));
  return client;
}

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  pt = await createPolicyTenant({
    approvalWaitSeconds: 30,
    roles: { ops: [{ server: "fixture", pattern: "echo", effect: "require_approval", approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 600 } }] },
  });
  reviewer = await createTestMember(pt.ctx, "reviewer");
  origin = await startProcess();
}, 60_000);

afterAll(async () => {
  if (child) {
    child.kill("SIGTERM");
    if (child.exitCode === null) await once(child, "exit");
  }
  await pt?.fixture.close();
});

/** Holds a call in the other process until it is waiting (its first progress notification), decides it here, and times the rest. */
async function decideAcross(message: string, decision: "approve" | "deny") {
  const client = await connectThere();
  try {
    let waiting = false;
    const call = client.callTool({ name: "fixture__echo", arguments: { message } }, undefined, { timeout: 60_000, onprogress: () => void (waiting = true) });
    await vi.waitFor(() => expect(waiting).toBe(true), { timeout: 10_000, interval: 20 });
    const held = await heldApproval(pt.tenantId);
    await decideApproval(reviewer.ctx, held.id, { decision, comment: decision === "approve" ? "approved elsewhere" : "denied elsewhere" });
    const decidedAt = performance.now();
    const result = await call;
    return { held, result, ms: performance.now() - decidedAt };
  } finally {
    await client.close();
  }
}

// The embedded database belongs to one process, so this needs Postgres (as in CI).
describe.skipIf(!process.env.DATABASE_URL)("a call held in another process", () => {
  it("runs within a second of being approved here", async () => {
    const { held, result, ms } = await decideAcross("across", "approve");
    expect(textOf(result)).toBe('{"message":"across"}');
    expect(ms).toBeLessThan(1_500);
    expect(upstreamRuns(pt.fixture, "echo", { message: "across" })).toBe(1);
    expect(await approvalRow(pt.tenantId, held.id)).toMatchObject({ status: "consumed" });
  });

  it("gets the denial within a second of it being made here", async () => {
    const { held, result, ms } = await decideAcross("refused", "deny");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`commenting: "denied elsewhere"`);
    expect(ms).toBeLessThan(1_500);
    expect(upstreamRuns(pt.fixture, "echo", { message: "refused" })).toBe(0);
    expect(await approvalRow(pt.tenantId, held.id)).toMatchObject({ status: "denied" });
  });
});
