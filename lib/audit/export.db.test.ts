import { describe, expect, it } from "vitest";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { recordTestCalls } from "@/test/audit";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { chainHash, contentHashOf, genesisHash, type AuditRecord } from "./chain";
import { recordAgentRequest, type AgentRequestEvent } from "./events";
import { EXPORTED_FIELDS, exportAuditEvents, type AuditExportInput, type AuditExportOptions } from "./export";
import { parseAuditQuery, searchAuditEvents, type AuditEvent } from "./queries";
import { updateAuditSettings } from "./settings";

// Export streams a search's results from the real database as JSON Lines or
// CSV, and records itself in the audit log before it reads anything.

const call = (ctx: TenantContext, fields: Partial<AgentRequestEvent> = {}) =>
  recordAgentRequest({
    tenantId: ctx.tenant.id,
    agentId: "agt_export",
    agentName: "exporter",
    keyPrefix: "gth_agt_expo",
    sessionId: null,
    method: "tools/call",
    server: "payments",
    tool: "refund",
    arguments: { amount: 1 },
    decision: "allowed",
    outcome: "ok",
    totalMs: 4,
    ...fields,
  });

async function exportText(ctx: TenantContext, input: AuditExportInput, options?: AuditExportOptions): Promise<string> {
  const exported = await exportAuditEvents(ctx, input, options);
  return new Response(exported.body).text();
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** An event of the search as the JSON Lines file should hold it. */
const asExported = (e: AuditEvent) => JSON.parse(JSON.stringify(Object.fromEntries(EXPORTED_FIELDS.map((f) => [f, e[f]]))));

const exportEvents = (ctx: TenantContext) =>
  superuserQuery<{ id: string; actor_name: string; actor_kind: string; arguments: unknown; seq: string }>(
    "select id, actor_name, actor_kind, arguments, seq from audit_events where tenant_id = $1 and action = 'audit.exported' order by seq",
    [ctx.tenant.id],
  );

/**
 * RFC 4180, read by the rules rather than by our writer: quoted fields may
 * hold commas, doubled quotes and line breaks; records end in CRLF.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else if (c === "\n" || c === "\r" || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}: not RFC 4180`);
    else cell += c;
  }
  if (cell !== "" || row.length) throw new Error("the last record does not end in CRLF");
  return rows;
}

describe("exportAuditEvents", () => {
  it("streams exactly what the same search finds, across many batches, newest first, without its own event", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 23);
    for (let i = 0; i < 9; i++) await call(ctx, { tool: "charge", arguments: { amount: i, memo: `invoice ${i}` } });
    const filters = { tool: "refund", server: "payments" };
    const searched = await searchAuditEvents(ctx, parseAuditQuery(filters), { limit: 1000 });
    expect(searched.events).toHaveLength(23);

    const lines = jsonLines(await exportText(ctx, { ...filters, format: "jsonl" }, { batchSize: 5 }));
    expect(lines).toEqual(searched.events.map(asExported));
    expect(Object.keys(lines[0]!)).toEqual([...EXPORTED_FIELDS]);

    // Free text too: the export takes the search's filters, whatever they are.
    // (Searched first: the export's own event records the search text, and a search after it would find that too.)
    const found = await searchAuditEvents(ctx, parseAuditQuery({ q: "invoice" }), { limit: 100 });
    const text = jsonLines(await exportText(ctx, { q: "invoice", format: "jsonl" }, { batchSize: 4 }));
    expect(text).toEqual(found.events.map(asExported));
    expect(text).toHaveLength(9);
  });

  it("records the export (who, format, filters) before reading, and the file holds the log as it stood then", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 3, { oneByOne: true });
    const auditor = await createTestMember(ctx, "auditor");
    const exported = await exportAuditEvents(auditor.ctx, { tool: "refund", format: "csv" }, { batchSize: 2 });
    const [event] = await exportEvents(ctx);
    expect(event).toMatchObject({ actor_kind: "user", actor_name: auditor.user.name, arguments: { format: "csv", filters: { tool: "refund" } } });
    expect(exported.filename).toMatch(new RegExp(`^gatehouse-audit-${ctx.tenant.slug}-\\d{8}T\\d{6}Z\\.csv$`));
    expect(exported.contentType).toBe("text/csv; charset=utf-8");
    // Written after the export began: not in it.
    await recordTestCalls(ctx, 2, { oneByOne: true });
    const rows = parseCsv(await new Response(exported.body).text());
    expect(rows).toHaveLength(1 + 3);
    expect(rows.slice(1).map((r) => r[0])).not.toContain(event!.id);
  });

  it("records the searched-for text and filters redacted, with the tenant's own redaction settings", async () => {
    const ctx = await createTestTenant();
    const stripe = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    await exportText(ctx, { format: "jsonl", q: `${stripe} ada@example.com`, tool: "refund" });
    // This tenant masks no PII, and an extra field: its own settings decide, as for its agents' arguments.
    await updateAuditSettings(ctx, { redaction: { detectors: [], fieldRules: [{ path: "args.filters.tool", reason: "tool" }] } });
    await exportText(ctx, { format: "jsonl", q: `${stripe} ada@example.com`, tool: "refund" });
    const rows = await superuserQuery<{ arguments: { filters: Record<string, unknown> }; redactions: unknown }>(
      "select arguments, redactions from audit_events where tenant_id = $1 and action = 'audit.exported' order by seq",
      [ctx.tenant.id],
    );
    expect(rows.map((r) => r.arguments.filters)).toEqual([
      { q: "[REDACTED:secret:stripe_key] [REDACTED:pii:email]", tool: "refund" },
      { q: "[REDACTED:secret:stripe_key] ada@example.com", tool: "[REDACTED:rule:tool]" },
    ]);
    expect(rows[0]!.redactions).toEqual([
      { path: "args.filters.q", reason: "secret:stripe_key" },
      { path: "args.filters.q", reason: "pii:email" },
    ]);
    const stored = await superuserQuery<{ n: string }>("select count(*) as n from audit_events t where tenant_id = $1 and t::text like $2", [ctx.tenant.id, `%${stripe.slice(-12)}%`]);
    expect(Number(stored[0]!.n)).toBe(0);
  });

  it("exports the chain fields, so the file can be verified offline from genesis", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 12);
    const lines = jsonLines(await exportText(ctx, { format: "jsonl" }, { batchSize: 5 })).sort((a, b) => Number(a.seq) - Number(b.seq));
    let prev = genesisHash(ctx.tenant.id);
    for (const [i, line] of lines.entries()) {
      const { seq, contentHash, prevHash, hash, hasFullPayload, ...fields } = line;
      expect(seq).toBe(i + 1);
      expect(prevHash).toBe(prev);
      expect(hasFullPayload).toBe(false);
      expect(contentHashOf({ ...fields, occurredAt: new Date(String(fields.occurredAt)) } as unknown as AuditRecord)).toBe(contentHash);
      expect(hash).toBe(chainHash(prev, String(contentHash)));
      prev = String(hash);
    }
    expect(lines.length).toBeGreaterThanOrEqual(13);
  });

  it("writes CSV a spreadsheet reads back: quoting, line breaks, JSON text, no formulas", async () => {
    const ctx = await createTestTenant();
    const args = { note: 'says "hi", then\r\nleaves', sum: "=1+2", list: [1, "two"] };
    await call(ctx, { tool: '=HYPERLINK("http://example.com","x")', server: "+plus", error: "-minus, and more", clientName: "@at", arguments: args, upstreamMs: 3 });
    const text = await exportText(ctx, { agent: "exporter", format: "csv" });
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, row, ...rest] = parseCsv(text);
    expect(rest).toEqual([]);
    expect(header).toEqual([...EXPORTED_FIELDS]);
    const cell = (field: string) => row![header!.indexOf(field)]!;
    expect(cell("tool")).toBe(`'=HYPERLINK("http://example.com","x")`);
    expect(cell("server")).toBe("'+plus");
    expect(cell("error")).toBe("'-minus, and more");
    expect(cell("clientName")).toBe("'@at");
    expect(JSON.parse(cell("arguments"))).toEqual(args);
    expect(cell("upstreamMs")).toBe("3");
    expect(cell("resultTruncated")).toBe("");
    expect(cell("hasFullPayload")).toBe("false");
    expect(cell("occurredAt")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(cell("hash")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("never exports a sealed full payload, only that one exists", async () => {
    const ctx = await createTestTenant();
    await call(ctx);
    const canary = "sealed-canary-7f3a9c";
    await superuserQuery("update audit_events set sealed_payload = $2 where tenant_id = $1 and action = 'mcp.request'", [ctx.tenant.id, canary]);
    const jsonl = await exportText(ctx, { action: "mcp.request", format: "jsonl" });
    const csv = await exportText(ctx, { action: "mcp.request", format: "csv" });
    expect(jsonl).not.toContain(canary);
    expect(csv).not.toContain(canary);
    expect(jsonLines(jsonl)).toEqual([expect.objectContaining({ action: "mcp.request", hasFullPayload: true })]);
    expect(jsonl).not.toMatch(/sealed|"search"/i);
  });

  it("reads a batch only when the reader wants one, and nothing more once it cancels", async () => {
    const ctx = await createTestTenant();
    await recordTestCalls(ctx, 30);
    const batches: number[] = [];
    const exported = await exportAuditEvents(ctx, { format: "jsonl", agent: "bot" }, { batchSize: 5, onBatch: (n) => batches.push(n) });
    const reader = exported.body.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).trim().split("\n")).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 200));
    // The one taken and one queued behind it: a slow reader holds the export back.
    expect(batches).toEqual([5, 5]);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toEqual([5, 5]);
  });

  it("is for members who may export; bad input is refused before anything is recorded", async () => {
    const ctx = await createTestTenant();
    await call(ctx);
    const viewer = await createTestMember(ctx, "viewer");
    const reviewer = await createTestMember(ctx, "reviewer");
    await expectAppError(exportAuditEvents(viewer.ctx, { format: "jsonl" }), "forbidden");
    // Reviewers read the log in the console but do not take it away.
    await expectAppError(exportAuditEvents(reviewer.ctx, { format: "jsonl" }), "forbidden");
    await expectAppError(exportAuditEvents(ctx, { format: "xlsx" }), "validation_failed", "format: Format is one of: jsonl, csv.");
    await expectAppError(exportAuditEvents(ctx, {} as AuditExportInput), "validation_failed", /^format:/);
    await expectAppError(exportAuditEvents(ctx, { format: "csv", outcome: "maybe" as never }), "validation_failed", /outcome/);
    await expectAppError(exportAuditEvents(ctx, { format: "csv", from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }), "validation_failed", /to/);
    expect(await exportEvents(ctx)).toEqual([]);
    const auditor = await createTestMember(ctx, "auditor");
    expect(jsonLines(await exportText(auditor.ctx, { format: "jsonl", action: "mcp.request" }))).toHaveLength(1);
    expect(await exportEvents(ctx)).toHaveLength(1);
  });

  it("exports only the tenant's own events", async () => {
    const mine = await createTestTenant();
    const other = await createTestTenant();
    await call(mine);
    await call(other, { tool: "other-tenant-tool" });
    const lines = jsonLines(await exportText(mine, { format: "jsonl" }));
    expect(lines.every((l) => l.tenantId === mine.tenant.id)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain("other-tenant-tool");
  });
});
