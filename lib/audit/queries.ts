import { and, desc, eq, getTableColumns, gte, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, auditOutcomes, auditDecisions } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

const optionalTime = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Use an ISO date and time, e.g. 2026-11-21T09:00:00Z." });
      return z.NEVER;
    }
    return d;
  });

export const auditQueryInput = z.object({
  agent: optionalText,
  server: optionalText,
  tool: optionalText,
  method: optionalText,
  /** `mcp.request`, or a change of an approval such as `approval.approved`. */
  action: optionalText,
  /** Everything about one approval request: the held call and each change of the request. */
  approval: optionalText,
  outcome: z.enum(auditOutcomes, { error: `Outcome is one of: ${auditOutcomes.join(", ")}.` }).optional(),
  decision: z.enum(auditDecisions, { error: `Decision is one of: ${auditDecisions.join(", ")}.` }).optional(),
  from: optionalTime,
  to: optionalTime,
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: optionalText,
  limit: z.coerce.number().int().min(1, "At least 1.").max(200, "At most 200 per page.").default(50),
});
export type AuditQueryInput = z.input<typeof auditQueryInput>;

export type AuditEvent = typeof auditEvents.$inferSelect;
export type AuditPage = { events: AuditEvent[]; nextCursor: string | null };

// Postgres keeps microseconds and a JS Date only milliseconds, so the cursor
// carries the time as Postgres wrote it; a millisecond would skip the events
// that share it.
const cursorTime = sql<string>`to_char(${auditEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString("base64url");
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    // The round trip refuses dates a JS Date would roll over (February 30) and Postgres would not take.
    if (typeof id !== "string" || typeof at !== "string" || !CURSOR_TIME.test(at) || new Date(at).toISOString().slice(0, 19) !== at.slice(0, 19)) throw new Error();
    return { at, id };
  } catch {
    throw new AppError("validation_failed", "The cursor is not one this API gave out.", { fields: { cursor: ["Invalid cursor."] } });
  }
}

/**
 * Agent requests of the tenant, newest first, filtered. `agent` matches the
 * agent's id or name; `tool` the upstream tool (or the name the agent used
 * when it named no tool that exists).
 */
export async function listAuditEvents(ctx: TenantContext, input: AuditQueryInput = {}): Promise<AuditPage> {
  assertCan(ctx, "audit.read");
  const q = parseInput(auditQueryInput, input);
  const where: (SQL | undefined)[] = [eq(auditEvents.tenantId, ctx.tenant.id)];
  if (q.agent) where.push(or(eq(auditEvents.agentId, q.agent), eq(auditEvents.agentName, q.agent)));
  if (q.server) where.push(eq(auditEvents.server, q.server));
  if (q.tool) where.push(eq(auditEvents.tool, q.tool));
  if (q.method) where.push(eq(auditEvents.method, q.method));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.approval) where.push(eq(auditEvents.approvalId, q.approval));
  if (q.outcome) where.push(eq(auditEvents.outcome, q.outcome));
  if (q.decision) where.push(eq(auditEvents.decision, q.decision));
  if (q.from) where.push(gte(auditEvents.occurredAt, q.from));
  if (q.to) where.push(lte(auditEvents.occurredAt, q.to));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(sql`(${auditEvents.occurredAt}, ${auditEvents.id}) < (${c.at}::timestamptz, ${c.id})`);
  }
  const rows = await inTenant(ctx.tenant.id, (tx) =>
    tx
      .select({ ...getTableColumns(auditEvents), cursorTime })
      .from(auditEvents)
      .where(and(...where))
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
      .limit(q.limit + 1),
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    events: page.map(({ cursorTime: _, ...event }) => event),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorTime, last.id) : null,
  };
}
