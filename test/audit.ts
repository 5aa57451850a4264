import { recordAgentRequest } from "@/lib/audit/events";
import type { TenantContext } from "@/lib/tenancy/context";

/**
 * Writes `n` audited tool calls for the tenant through the real recorder, all
 * at once (as concurrent agents and processes would) unless `oneByOne`.
 */
export async function recordTestCalls(ctx: TenantContext, n: number, options: { oneByOne?: boolean } = {}): Promise<void> {
  const call = (i: number) =>
    recordAgentRequest({
      tenantId: ctx.tenant.id,
      agentId: "agt_x",
      agentName: "bot",
      keyPrefix: "gth_agt_ab",
      sessionId: null,
      method: "tools/call",
      server: "payments",
      tool: "refund",
      arguments: { amount: 100 + i, note: `call ${i}`, nested: { list: [1, 2.5, "x"] } },
      decision: "allowed",
      outcome: "ok",
      totalMs: 3,
    });
  if (options.oneByOne) for (let i = 0; i < n; i++) await call(i);
  else await Promise.all(Array.from({ length: n }, (_, i) => call(i)));
}
