import { describe, expect, it } from "vitest";
import { createTestTenant } from "@/test/factories";
import { auditOf } from "@/test/policy";
import { MAX_EVENT_MESSAGE, MAX_EVENT_TEXT, recordAgentRequest } from "./events";

// The free texts of an agent request (what the agent or an upstream chose) are
// cut before they are redacted and stored, so neither the redactor's work nor
// the row grows with what an agent sends.

describe("recordAgentRequest", () => {
  it("cuts and redacts every free text: tool, error, reason, client name and version, JSON-RPC id", async () => {
    const ctx = await createTestTenant();
    const stripe = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    const long = (head: string) => `${head} ${stripe} ${"eyJ_".repeat(50_000)}`;
    const started = performance.now();
    await recordAgentRequest({
      tenantId: ctx.tenant.id,
      agentId: null,
      agentName: "bot",
      keyPrefix: null,
      sessionId: null,
      method: "tools/call",
      tool: long("tool"),
      error: long("error"),
      reason: long("reason"),
      clientName: long("client"),
      clientVersion: long("1.0"),
      jsonrpcId: long("id"),
      decision: "denied",
      outcome: "denied",
      totalMs: 1,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    const [event] = (await auditOf(ctx.tenant.id)).filter((e) => e.action === "mcp.request");
    const texts = { tool: event!.tool, clientName: event!.clientName, clientVersion: event!.clientVersion, jsonrpcId: event!.jsonrpcId, error: event!.error, reason: event!.reason };
    for (const [field, value] of Object.entries(texts)) {
      expect(value, field).toContain("[REDACTED:secret:stripe_key]");
      expect(value, field).not.toContain("51HxYz");
      expect(value!.length, field).toBeLessThanOrEqual((field === "error" || field === "reason" ? MAX_EVENT_MESSAGE : MAX_EVENT_TEXT) + 40);
    }
  });
});
