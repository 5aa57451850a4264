"use client";

import { buttonStyles } from "@/components/styles";

/**
 * Download every event the current filters find (not only this page) as JSON
 * Lines or CSV. Plain links, not next/link: a prefetch would start an export,
 * and each export is itself an audit event.
 */
export function ExportMenu({ tenant, query }: { tenant: string; query: string }) {
  const href = (format: "jsonl" | "csv") => {
    const params = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
    // A page's place in the results is not a filter: the export always holds all of them.
    params.delete("cursor");
    params.delete("format");
    params.set("format", format);
    return `/${encodeURIComponent(tenant)}/audit/export?${params.toString()}`;
  };
  return (
    <div role="group" aria-label="Export the matching events" className="flex flex-wrap items-center gap-2">
      <span className="text-sm text-zinc-600 dark:text-zinc-400">Export matching events:</span>
      <a href={href("jsonl")} download className={buttonStyles.small} title="One JSON object per line, every field including the hash chain">
        JSON Lines
      </a>
      <a href={href("csv")} download className={buttonStyles.small} title="For spreadsheets; JSON columns as JSON text">
        CSV
      </a>
    </div>
  );
}
