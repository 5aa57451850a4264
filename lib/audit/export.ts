import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "@/db/client";
import { tenants } from "@/db/schema";
import { transaction } from "@/lib/db";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { actorFields } from "./admin";
import { appendAuditEvent, auditRecord } from "./chain";
import { auditFilterInput, parseAuditQuery, searchAuditEvents, type AuditEvent, type AuditFilterInput, type AuditQuery } from "./queries";
import { compileRedactor, DEFAULT_REDACTION } from "./redact";

export const auditExportFormats = ["jsonl", "csv"] as const;
export type AuditExportFormat = (typeof auditExportFormats)[number];

const exportFormat = z.object({
  format: z.enum(auditExportFormats, { error: `Format is one of: ${auditExportFormats.join(", ")}.` }).meta({
    description: "`jsonl`: one JSON object per line with every stored field, chain fields included; `csv`: a header row and one row per event, JSON columns as JSON text",
  }),
});

/** An export's query string, for the API's documentation: the format and the audit search's filters (no cursor or page size: an export is the whole result). */
export const auditExportQuery = z.object({ ...exportFormat.shape, ...auditFilterInput.shape });
export type AuditExportInput = AuditFilterInput & { format?: unknown };

export type AuditExport = {
  format: AuditExportFormat;
  /** `gatehouse-audit-<tenant>-<UTC time>.<format>`, for Content-Disposition. */
  filename: string;
  contentType: string;
  /** The file, read from the database one batch at a time as the reader asks for more. */
  body: ReadableStream<Uint8Array>;
};

export type AuditExportOptions = {
  /** Events read per database round trip. */
  batchSize?: number;
  /** Told the number of events of each batch read, e.g. to log an export's size. */
  onBatch?: (events: number) => void;
};

const CONTENT_TYPES: Record<AuditExportFormat, string> = {
  jsonl: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

/** Events per page of the search the export walks: about a megabyte of JSON, one short query. */
const BATCH = 1_000;

/**
 * Every stored field of an event, in file order: the chain fields too, so an
 * exported file can be checked offline. The free-text vector is not data, and
 * a sealed payload (the unredacted original some tenants keep) is never read
 * for an export: `hasFullPayload` says only whether one exists (such an
 * event's content hash covers it, so offline only its link can be checked).
 */
export const EXPORTED_FIELDS = [
  "id",
  "tenantId",
  "seq",
  "occurredAt",
  "action",
  "severity",
  "actorKind",
  "actorId",
  "actorName",
  "sourceIp",
  "agentId",
  "agentName",
  "keyPrefix",
  "sessionId",
  "clientName",
  "clientVersion",
  "jsonrpcId",
  "method",
  "server",
  "tool",
  "arguments",
  "decision",
  "rule",
  "reason",
  "approvalId",
  "outcome",
  "error",
  "upstreamMs",
  "totalMs",
  "result",
  "resultBytes",
  "resultHash",
  "resultTruncated",
  "redactions",
  "targetType",
  "targetId",
  "targetName",
  "before",
  "after",
  "comment",
  "hasFullPayload",
  "contentHash",
  "prevHash",
  "hash",
] as const satisfies readonly (keyof AuditEvent)[];

// A column added to audit_events must be placed in the export (or left out here, with a reason): this fails to compile until it is.
type Unexported = Exclude<keyof AuditEvent, (typeof EXPORTED_FIELDS)[number]>;
const everyColumnPlaced: [Unexported] extends [never] ? true : Unexported = true;
void everyColumnPlaced;

/** Columns holding JSON: written as JSON text in CSV. */
const JSON_FIELDS = new Set<string>(["arguments", "result", "redactions", "before", "after"]);

/**
 * Exports the audit events matching the search's filters, newest first, as
 * JSON Lines (one event per line, every stored field) or CSV (a header row,
 * then one row per event). The export is itself an audit event,
 * `audit.exported` (who, format, filters, redacted as an agent's arguments
 * are), written before anything is read,
 * and the file covers the log as it stood then: later events are not in it.
 *
 * The body is pull-based: a batch is read (in a short transaction of its
 * own, by keyset) only when the reader wants more, so a slow client holds
 * the export back and memory stays flat however large it is; when the reader
 * cancels (the client went away), nothing more is read.
 */
export async function exportAuditEvents(ctx: TenantContext, input: AuditExportInput, options: AuditExportOptions = {}): Promise<AuditExport> {
  assertCan(ctx, "audit.export");
  const { format: rawFormat, ...filters } = input;
  const { format } = parseInput(exportFormat, { format: rawFormat });
  const query = parseAuditQuery(filters);
  // The free text searched for may be the very secret or address the log masks (someone looking for where a
  // leaked key went): the event keeps the filters as the tenant's redactor leaves them.
  const redactor = compileRedactor(await redactionSettings(ctx.tenant.id));
  const recorded = redactor.redact("args", JSON.parse(JSON.stringify({ format, filters: query })));
  const record = auditRecord({
    tenantId: ctx.tenant.id,
    action: "audit.exported",
    decision: "none",
    outcome: "ok",
    totalMs: 0,
    ...actorFields(ctx.actor),
    targetType: "audit_log",
    targetId: ctx.tenant.id,
    targetName: ctx.tenant.slug,
    arguments: recorded.value,
    redactions: recorded.redactions.length ? recorded.redactions : null,
  });
  const { db } = await getDatabase();
  await appendAuditEvent(db, record);

  // The log as it stood when the export began: the search's own upper bound, or this event's time if earlier.
  const bounded: AuditQuery = { ...query, to: query.to && query.to < record.occurredAt ? query.to : record.occurredAt };
  const limit = options.batchSize ?? BATCH;
  const readBatch = async (cursor: string | undefined) => {
    const page = await searchAuditEvents(ctx, bounded, { limit, cursor });
    return { events: page.events.filter((e) => e.id !== record.id), next: page.nextCursor ?? undefined };
  };
  return {
    format,
    filename: `gatehouse-audit-${ctx.tenant.slug}-${fileTime(record.occurredAt)}.${format}`,
    contentType: CONTENT_TYPES[format],
    body: eventStream(readBatch, format === "csv" ? csvEncoder() : jsonlEncoder(), options.onBatch),
  };
}

async function redactionSettings(tenantId: string) {
  const [row] = await transaction({ tenantId }, (tx) => tx.select({ redaction: tenants.auditRedaction }).from(tenants).where(eq(tenants.id, tenantId)));
  return row?.redaction ?? DEFAULT_REDACTION;
}

/** 2026-11-21T09:15:00.123Z → 20261121T091500Z: sortable, and no characters a file name may not hold. */
function fileTime(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

type Encoder = { header: string; encode(event: AuditEvent): string };

/**
 * A readable stream over batches: each pull reads one batch (the stream asks
 * again only once the reader took the last one) and enqueues it as one chunk.
 */
function eventStream(
  readBatch: (cursor: string | undefined) => Promise<{ events: AuditEvent[]; next: string | undefined }>,
  encoder: Encoder,
  onBatch?: (events: number) => void,
): ReadableStream<Uint8Array> {
  const utf8 = new TextEncoder();
  let cursor: string | undefined;
  let first = true;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let batch: Awaited<ReturnType<typeof readBatch>>;
        try {
          batch = await readBatch(cursor);
        } catch (e) {
          // The response has begun: the client sees a cut-off file; the reason stays in our log.
          console.error(`[audit] export failed after it began: ${(e as Error).message}`);
          throw e;
        }
        if (cancelled) return;
        onBatch?.(batch.events.length);
        let text = first ? encoder.header : "";
        first = false;
        for (const event of batch.events) text += encoder.encode(event);
        if (text) controller.enqueue(utf8.encode(text));
        cursor = batch.next;
        if (!cursor) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 1 },
  );
}

/** One value as the file holds it: times in ISO form. */
function exportedValue(event: AuditEvent, field: (typeof EXPORTED_FIELDS)[number]): unknown {
  const value = event[field];
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

function jsonlEncoder(): Encoder {
  return {
    header: "",
    encode(event) {
      const line: Record<string, unknown> = {};
      for (const field of EXPORTED_FIELDS) line[field] = exportedValue(event, field);
      return `${JSON.stringify(line)}\n`;
    },
  };
}

function csvEncoder(): Encoder {
  return {
    header: csvRow([...EXPORTED_FIELDS]),
    encode(event) {
      return csvRow(
        EXPORTED_FIELDS.map((field) => {
          const value = exportedValue(event, field);
          if (value === null) return "";
          if (JSON_FIELDS.has(field)) return JSON.stringify(value);
          return typeof value === "string" ? neutralizeFormula(value) : String(value);
        }),
      );
    },
  };
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; rows end in CRLF. */
export function csvRow(cells: string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",")}\r\n`;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
 * return before one) as a formula; text from agents and upstreams must not
 * become one. Such a cell gets a leading apostrophe, which spreadsheets show
 * as text. (JSON columns start with { [ " or a digit, or are a bare
 * negative number, which is harmless.)
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The HTTP response of an export, the same from the console and the API: a download, never cached. */
export function auditExportResponse(exported: AuditExport): Response {
  return new Response(exported.body, {
    headers: {
      "content-type": exported.contentType,
      "content-disposition": `attachment; filename="${exported.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
