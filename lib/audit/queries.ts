import { and, asc, eq, getTableColumns, gte, inArray, lte, ne, not, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditDecisions, auditEvents, auditOutcomes, auditSeverities } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
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

/** The longest latency a filter takes: a day, in milliseconds. */
const MAX_LATENCY_MS = 86_400_000;

const optionalMs = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || (typeof v === "string" && v.trim() === "")) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > MAX_LATENCY_MS) {
      ctx.addIssue({ code: "custom", message: `Use a whole number of milliseconds from 0 to ${MAX_LATENCY_MS}.` });
      return z.NEVER;
    }
    return n;
  });

/** The longest free-text search: long enough for a sentence, short enough to stay a search. */
export const MAX_SEARCH_LENGTH = 200;

const searchText = z
  .string()
  .trim()
  .max(MAX_SEARCH_LENGTH, `Search text is at most ${MAX_SEARCH_LENGTH} characters.`)
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    // Punctuation alone makes an empty text-search query, which matches nothing and says nothing.
    if (!/[\p{L}\p{N}]/u.test(v)) {
      ctx.addIssue({ code: "custom", message: "Search for a word, a number or an id (punctuation alone finds nothing)." });
      return z.NEVER;
    }
    return v;
  });

/**
 * What an event is about: an agent's request through the MCP endpoint, a
 * change of an approval request, a person signing in (or failing to), or an
 * administrative change (everything else a person or token did).
 */
export const auditKinds = ["agent", "approval", "sign_in", "admin"] as const;
export type AuditKind = (typeof auditKinds)[number];

const filterShape = {
  q: searchText.meta({
    description:
      "Free text over arguments, results, tool, error, reason, comment and target name (whole words; `\"two words\"` for a phrase, `-word` to exclude, `or` between alternatives). An id such as `ORD-93817` or an email finds the events that contain it",
  }),
  agent: optionalText.meta({ description: "Agent id or name" }),
  member: optionalText.meta({ description: "The person (or admin token) who acted, by id or by name as recorded (a person's name, or the email of a sign-in), for administrative changes, approval decisions and sign-ins" }),
  server: optionalText,
  tool: optionalText.meta({ description: "The upstream tool's name" }),
  method: optionalText.meta({ description: "MCP method, e.g. `tools/call`" }),
  action: optionalText.meta({ description: "`mcp.request`, `approval.approved`, `server.updated`, …; ending in `.` or `.*` it matches every action that starts so (`server.*`)" }),
  kind: z.enum(auditKinds, { error: `Kind is one of: ${auditKinds.join(", ")}.` }).optional().meta({ description: "agent (requests through the MCP endpoint), approval (changes of approval requests), sign_in, admin (every other change a person or token made)" }),
  approval: optionalText.meta({ description: "Everything about one approval request: the held call and each change of the request" }),
  outcome: z.enum(auditOutcomes, { error: `Outcome is one of: ${auditOutcomes.join(", ")}.` }).optional(),
  decision: z.enum(auditDecisions, { error: `Decision is one of: ${auditDecisions.join(", ")}.` }).optional(),
  severity: z.enum(auditSeverities, { error: `Severity is one of: ${auditSeverities.join(", ")}.` }).optional().meta({ description: "`alert`: events an operator must look at" }),
  minLatencyMs: optionalMs.meta({ description: "Total latency at least this many milliseconds" }),
  maxLatencyMs: optionalMs.meta({ description: "Total latency at most this many milliseconds" }),
  from: optionalTime.meta({ description: "ISO date and time, inclusive" }),
  to: optionalTime.meta({ description: "ISO date and time, inclusive" }),
};

/** Filters that contradict themselves are refused, not answered with nothing. */
function consistent(q: { from?: Date; to?: Date; minLatencyMs?: number; maxLatencyMs?: number }, ctx: z.RefinementCtx): void {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["to"], message: "Must not be before `from`." });
  if (q.minLatencyMs !== undefined && q.maxLatencyMs !== undefined && q.minLatencyMs > q.maxLatencyMs) {
    ctx.addIssue({ code: "custom", path: ["maxLatencyMs"], message: "Must not be below `minLatencyMs`." });
  }
}

/** The filters of an audit search, as a form, a query string or an API client sends them. */
export const auditFilterInput = z.object(filterShape).superRefine(consistent);
export type AuditFilterInput = z.input<typeof auditFilterInput>;
/** A parsed audit search: what searchAuditEvents, auditStats and the export take. */
export type AuditQuery = z.output<typeof auditFilterInput>;

export const auditQueryInput = z
  .object({
    ...filterShape,
    /** Opaque cursor from the previous page's `nextCursor`. */
    cursor: optionalText.meta({ description: "`nextCursor` of the previous page" }),
    limit: z.coerce.number().int().min(1, "At least 1.").max(200, "At most 200 per page.").default(50),
  })
  .superRefine(consistent);
export type AuditQueryInput = z.input<typeof auditQueryInput>;

/** Parses an audit search (no cursor or page size), or throws one validation error naming each bad field. */
export function parseAuditQuery(input: unknown): AuditQuery {
  return parseInput(auditFilterInput, input ?? {});
}

const { search: _search, sealedPayload: _sealed, ...publicColumns } = getTableColumns(auditEvents);

/**
 * The columns an audit reader gets: everything but the sealed full payload
 * (read through its own permission) and the search vector, plus whether a
 * full payload is kept.
 */
export const auditEventColumns = {
  ...publicColumns,
  hasFullPayload: sql<boolean>`(${auditEvents.sealedPayload} is not null)`.as("has_full_payload"),
};

export type AuditEvent = Omit<typeof auditEvents.$inferSelect, "search" | "sealedPayload"> & { hasFullPayload: boolean };
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

/** Actions of people signing in: `user.signed_in`, `user.sign_in_failed`, … */
const SIGN_IN_ACTION = "(^|[._])sign(ed)?_?in";

function kindCondition(kind: AuditKind): SQL {
  const approval = sql`starts_with(${auditEvents.action}, 'approval.')`;
  const signIn = sql`${auditEvents.action} ~ ${SIGN_IN_ACTION}`;
  switch (kind) {
    case "agent":
      return eq(auditEvents.action, "mcp.request");
    case "approval":
      return approval;
    case "sign_in":
      return signIn;
    case "admin":
      return and(ne(auditEvents.action, "mcp.request"), not(approval), not(signIn))!;
  }
}

function actionCondition(action: string): SQL {
  const prefix = action.endsWith(".*") ? action.slice(0, -1) : action.endsWith(".") ? action : undefined;
  return prefix ? sql`starts_with(${auditEvents.action}, ${prefix})` : eq(auditEvents.action, action);
}

/**
 * The WHERE clause of an audit search in a tenant (also for the export,
 * which walks the same rows). Free text is Postgres full-text search over the
 * `search` vector with the `simple` configuration: whole words, lower-cased,
 * no stemming, so ids and emails match as written.
 */
export function auditQueryWhere(tenantId: string, q: AuditQuery): SQL {
  const where: (SQL | undefined)[] = [eq(auditEvents.tenantId, tenantId)];
  if (q.q) where.push(sql`${auditEvents.search} @@ websearch_to_tsquery('simple', ${q.q})`);
  if (q.agent) where.push(or(eq(auditEvents.agentId, q.agent), eq(auditEvents.agentName, q.agent)));
  if (q.member) where.push(or(eq(auditEvents.actorId, q.member), eq(auditEvents.actorName, q.member)));
  if (q.server) where.push(eq(auditEvents.server, q.server));
  if (q.tool) where.push(eq(auditEvents.tool, q.tool));
  if (q.method) where.push(eq(auditEvents.method, q.method));
  if (q.action) where.push(actionCondition(q.action));
  if (q.kind) where.push(kindCondition(q.kind));
  if (q.approval) where.push(eq(auditEvents.approvalId, q.approval));
  if (q.outcome) where.push(eq(auditEvents.outcome, q.outcome));
  if (q.decision) where.push(eq(auditEvents.decision, q.decision));
  if (q.severity) where.push(eq(auditEvents.severity, q.severity));
  if (q.minLatencyMs !== undefined) where.push(gte(auditEvents.totalMs, q.minLatencyMs));
  if (q.maxLatencyMs !== undefined) where.push(lte(auditEvents.totalMs, q.maxLatencyMs));
  if (q.from) where.push(gte(auditEvents.occurredAt, q.from));
  if (q.to) where.push(lte(auditEvents.occurredAt, q.to));
  return and(...where)!;
}

/**
 * Newest first, as the tenant's time index is sorted: drizzle builds `.desc()`
 * index columns NULLS LAST, and a plain `desc` (NULLS FIRST) would make
 * Postgres sort the whole tenant instead of reading the index in order.
 */
export const NEWEST_FIRST = [sql`${auditEvents.occurredAt} desc nulls last`, sql`${auditEvents.id} desc nulls last`];

/** How many events one call of searchAuditEvents returns at most (the API's pages are smaller). */
export const MAX_SEARCH_PAGE = 10_000;

export type SearchPageOptions = { limit: number; cursor?: string | null };

/**
 * One page of a parsed audit search in the tenant, newest first; pass
 * `nextCursor` back as `cursor` for the next. Checks `audit.read`.
 */
export async function searchAuditEvents(ctx: TenantContext, query: AuditQuery, page: SearchPageOptions): Promise<AuditPage> {
  assertCan(ctx, "audit.read");
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_SEARCH_PAGE) {
    throw new AppError("validation_failed", `A page holds 1 to ${MAX_SEARCH_PAGE} events.`, { fields: { limit: [`From 1 to ${MAX_SEARCH_PAGE}.`] } });
  }
  const where = [auditQueryWhere(ctx.tenant.id, query)];
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    where.push(sql`(${auditEvents.occurredAt}, ${auditEvents.id}) < (${c.at}::timestamptz, ${c.id})`);
  }
  const rows = await inTenant(ctx.tenant.id, (tx) =>
    tx
      .select({ ...auditEventColumns, cursorTime })
      .from(auditEvents)
      .where(and(...where))
      .orderBy(...NEWEST_FIRST)
      .limit(page.limit + 1),
  );
  const events = rows.slice(0, page.limit);
  const last = events[events.length - 1];
  return {
    events: events.map(({ cursorTime: _, ...event }) => event),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.cursorTime, last.id) : null,
  };
}

/**
 * Events of the tenant, newest first, filtered (see auditQueryInput). `agent`
 * matches the agent's id or name; `tool` the upstream tool (or the name the
 * agent used when it named no tool that exists).
 */
export async function listAuditEvents(ctx: TenantContext, input: AuditQueryInput = {}): Promise<AuditPage> {
  assertCan(ctx, "audit.read");
  const { cursor, limit, ...query } = parseInput(auditQueryInput, input);
  return searchAuditEvents(ctx, query, { limit, cursor });
}

/** Where an event stands in its tenant's hash chain. Null places for events written before the chain existed. */
export type AuditChainPosition = {
  seq: number | null;
  hash: string | null;
  prevHash: string | null;
  contentHash: string | null;
  /** The place of the chain's last event now: "event seq of headSeq". */
  headSeq: number | null;
  /** The events just before and after it in the chain (null at either end, or when deleted by retention). */
  previousId: string | null;
  nextId: string | null;
};

export type AuditEventDetail = {
  event: AuditEvent;
  chain: AuditChainPosition;
  /** Every event of the same approval request, oldest first (the event itself included); empty without one. */
  approvalEvents: AuditEvent[];
};

/** The most events of one approval request a detail shows (a request has a handful). */
const APPROVAL_EVENTS_LIMIT = 100;

/**
 * One event of the tenant, whole (but its sealed payload), with its place in
 * the chain and the events of its approval request. Another tenant's event,
 * like an unknown id, is not found.
 */
export async function getAuditEvent(ctx: TenantContext, id: string): Promise<AuditEventDetail> {
  assertCan(ctx, "audit.read");
  const tenantId = ctx.tenant.id;
  const missing = notFound(`Audit event ${JSON.stringify(id.slice(0, 80))}`);
  if (!/^evt_[A-Za-z0-9]{1,64}$/.test(id)) throw missing;
  return inTenant(tenantId, async (tx) => {
    const [event] = await tx
      .select(auditEventColumns)
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.id, id)));
    if (!event) throw missing;
    return { event, chain: await chainPosition(tx, tenantId, event), approvalEvents: await eventsOfApproval(tx, tenantId, event.approvalId) };
  });
}

async function chainPosition(tx: Tx, tenantId: string, event: AuditEvent): Promise<AuditChainPosition> {
  const result = (await tx.execute(sql`select seq from gatehouse_audit_head()`)) as unknown as { rows: { seq: string | number }[] };
  const head = result.rows[0];
  const neighbours =
    event.seq == null
      ? []
      : await tx
          .select({ id: auditEvents.id, seq: auditEvents.seq })
          .from(auditEvents)
          .where(and(eq(auditEvents.tenantId, tenantId), inArray(auditEvents.seq, [event.seq - 1, event.seq + 1])));
  return {
    seq: event.seq,
    hash: event.hash,
    prevHash: event.prevHash,
    contentHash: event.contentHash,
    headSeq: head ? Number(head.seq) : null,
    previousId: neighbours.find((n) => n.seq === event.seq! - 1)?.id ?? null,
    nextId: neighbours.find((n) => n.seq === event.seq! + 1)?.id ?? null,
  };
}

async function eventsOfApproval(tx: Tx, tenantId: string, approvalId: string | null): Promise<AuditEvent[]> {
  if (!approvalId) return [];
  return tx
    .select(auditEventColumns)
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.approvalId, approvalId)))
    .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id))
    .limit(APPROVAL_EVENTS_LIMIT);
}
