import { auditExportQuery } from "@/lib/audit/export";
import { defineOperation } from "./operation";

/** Export of the audit log (issue 5). */
export const auditExportOperations = {
  exportAuditEvents: defineOperation({
    id: "exportAuditEvents",
    method: "GET",
    path: "/tenants/{tenant}/audit-events/export",
    tag: "Audit",
    summary:
      "Download the events a search finds (the same filters), newest first, as JSON Lines or CSV, streamed however many there are. The export is itself recorded (`audit.exported`) and covers the log as it stood when it began",
    auth: "tenant",
    permission: "audit.export",
    query: auditExportQuery,
    file: {
      "application/x-ndjson":
        "format=jsonl: one JSON object per line with every stored field, the chain fields (seq, prevHash, contentHash, hash) included, so the file can be checked offline; `hasFullPayload` marks events whose sealed payload (never exported) counts in their content hash",
      "text/csv":
        "format=csv: a header row, then one row per event (RFC 4180 quoting, CRLF); JSON columns hold JSON text, and text cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with an apostrophe",
    },
  }),
};
