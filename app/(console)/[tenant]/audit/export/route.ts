import { auditExportResponse, exportAuditEvents } from "@/lib/audit/export";
import { requireTenant } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";

/**
 * The console's download of the audit log: the Audit page's filters (its
 * query string, as the filter form writes it) and `format=jsonl|csv`. A
 * signed-out visitor goes to sign-in, a non-member gets the 404 page, like
 * every console page; what the export refuses (a role without
 * `audit.export`, a bad filter) is said in plain text with its status.
 */
export async function GET(req: Request, { params }: { params: Promise<{ tenant: string }> }) {
  // A request of its own, like a server action: not a render, so no per-render cache to share.
  const ctx = await requireTenant((await params).tenant);
  const input: Record<string, string> = Object.fromEntries(new URL(req.url).searchParams);
  for (const key of ["from", "to"] as const) if (input[key]) input[key] = utc(input[key], key === "to");
  try {
    return auditExportResponse(await exportAuditEvents(ctx, input));
  } catch (e) {
    if (!isAppError(e)) throw e;
    return new Response(`${e.message}\n`, { status: e.status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }
}

/**
 * The filter form's datetime-local value ("2026-11-21T09:00") read as UTC, as
 * the Audit page reads it; `to` includes its whole minute. Anything else goes
 * to the search as given, which says what it expects.
 */
function utc(value: string, end: boolean): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}${end ? ":59.999" : ":00"}Z` : value;
}

export const dynamic = "force-dynamic";
