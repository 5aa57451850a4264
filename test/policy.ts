import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { and, asc, eq } from "drizzle-orm";
import { approvals, approvalVotes, auditEvents, type Approval } from "@/db/schema";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { inTenant } from "@/lib/db";
import { createRole } from "@/lib/policy/roles";
import type { RuleInput } from "@/lib/policy/schemas";
import { createServer } from "@/lib/registry/servers";
import type { TenantContext } from "@/lib/tenancy/context";
import { updateTenant } from "@/lib/tenancy/tenants";
import { createTestTenant, uniqueSuffix } from "./factories";
import { policyTools } from "./fixtures/upstream/policy-tools";
import { startFixtureHttp, type FixtureHttp } from "./fixtures/upstream/server";
import type { FixtureTool } from "./fixtures/upstream/tool-kit";
import { connectAgent } from "./gateway";

// Policy and approval tests: a tenant whose servers are all one fresh fixture
// (with the example policies' tools), roles given by name, one agent bound to
// all of them, and its key issued by the tenant's owner (so the owner is the
// "key creator" of approval rules).

export type PolicyTenant = {
  /** The owner's context; the owner issued the agent's key. */
  ctx: TenantContext;
  slug: string;
  tenantId: string;
  fixture: FixtureHttp;
  /** The fixture's extra tools (policyTools), to change a definition in place. */
  tools: FixtureTool[];
  agentId: string;
  key: string;
};

export async function createPolicyTenant(options: {
  /** Server names, each the same fixture; default ["fixture"]. */
  servers?: string[];
  /** Role name → rules; the agent holds every role. */
  roles: Record<string, RuleInput[]>;
  approvalWaitSeconds?: number;
}): Promise<PolicyTenant> {
  const tools = policyTools();
  const fixture = await startFixtureHttp({ extraTools: tools });
  const ctx = await createTestTenant();
  for (const name of options.servers ?? ["fixture"]) await createServer(ctx, { name, transport: "streamable_http", url: fixture.url });
  for (const [name, rules] of Object.entries(options.roles)) await createRole(ctx, { name, rules });
  if (options.approvalWaitSeconds !== undefined) await updateTenant(ctx, { approvalWaitSeconds: options.approvalWaitSeconds });
  const { agentId, key } = await addAgent(ctx, Object.keys(options.roles));
  return { ctx, slug: ctx.tenant.slug, tenantId: ctx.tenant.id, fixture, tools, agentId, key };
}

/** Another agent of the tenant holding `roles`, with a key issued by `ctx`'s member. */
export async function addAgent(ctx: TenantContext, roles: string[]): Promise<{ agentId: string; key: string }> {
  const agent = await createAgent(ctx, { name: `agent-${uniqueSuffix()}`, roles });
  return { agentId: agent.id, key: await addKey(ctx, agent.id) };
}

export async function addKey(ctx: TenantContext, agentId: string): Promise<string> {
  const { secret } = await createAgentKey(ctx, agentId, { name: `key-${uniqueSuffix()}` });
  return secret;
}

export const connect = (pt: Pick<PolicyTenant, "slug" | "key">, key = pt.key): Promise<Client> => connectAgent(pt.slug, key);

/** The text of a tool result (its text parts, joined). */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

/** The approval id a tool result names. */
export function approvalIdIn(text: string): string {
  const match = /apr_[0-9A-Za-z]{20}/.exec(text);
  if (!match) throw new Error(`no approval id in: ${text}`);
  return match[0];
}

export async function approvalRows(tenantId: string): Promise<Approval[]> {
  return inTenant(tenantId, (tx) => tx.select().from(approvals).where(eq(approvals.tenantId, tenantId)).orderBy(asc(approvals.createdAt)));
}

export async function approvalRow(tenantId: string, id: string): Promise<Approval> {
  const [row] = await inTenant(tenantId, (tx) => tx.select().from(approvals).where(and(eq(approvals.tenantId, tenantId), eq(approvals.id, id))));
  if (!row) throw new Error(`no approval ${id}`);
  return row;
}

export async function votesOf(tenantId: string, approvalId: string) {
  return inTenant(tenantId, (tx) =>
    tx.select().from(approvalVotes).where(and(eq(approvalVotes.tenantId, tenantId), eq(approvalVotes.approvalId, approvalId))),
  );
}

/** Waits until the tenant has a pending approval request (a call is being held), and returns the newest. */
export async function heldApproval(tenantId: string, within = 5_000): Promise<Approval> {
  const started = Date.now();
  while (Date.now() - started < within) {
    const pending = (await approvalRows(tenantId)).filter((a) => a.status === "pending");
    if (pending.length > 0) return pending[pending.length - 1]!;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no pending approval request within ${within} ms`);
}

/** The tenant's audit events, oldest first; only those of one approval when given. */
export async function auditOf(tenantId: string, approvalId?: string) {
  return inTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), approvalId ? eq(auditEvents.approvalId, approvalId) : undefined))
      .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id)),
  );
}

/** The audit events of the tenant's tools/call requests, oldest first. */
export async function toolCallEvents(tenantId: string) {
  return (await auditOf(tenantId)).filter((e) => e.action === "mcp.request" && e.method === "tools/call");
}

/** How many times the upstream ran `tool` (with exactly `args`, when given). */
export function upstreamRuns(fixture: FixtureHttp, tool: string, args?: Record<string, unknown>): number {
  return fixture.record.calls.filter((c) => c.name === tool && (!args || JSON.stringify(c.arguments) === JSON.stringify(args))).length;
}
