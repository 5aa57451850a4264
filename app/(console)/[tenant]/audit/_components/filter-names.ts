// The Audit page's filter names, in a plain module: the page (a server
// component) iterates over them, and a value exported from a "use client"
// module reaches a server component as a client reference, not the array.

/** The filters the page reads from its URL, in the order the form shows them. */
export const AUDIT_FILTERS = [
  "q",
  "agent",
  "member",
  "server",
  "tool",
  "method",
  "kind",
  "action",
  "outcome",
  "decision",
  "approval",
  "minLatencyMs",
  "maxLatencyMs",
  "severity",
  "from",
  "to",
] as const;

export type AuditFilterValues = Record<(typeof AUDIT_FILTERS)[number], string>;
