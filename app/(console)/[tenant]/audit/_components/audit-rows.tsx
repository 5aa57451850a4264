"use client";

import Link from "next/link";
import { Fragment, useState, type ReactNode } from "react";
import { Badge, type BadgeTone } from "@/components/badge";
import { formatTimestamp } from "@/components/dates";
import { JsonBlock } from "@/components/json-block";
import { buttonStyles, linkStyles } from "@/components/styles";
import { Td } from "@/components/table";
import type { AuditEvent } from "@/lib/audit/queries";


const OUTCOME_TONES: Record<string, BadgeTone> = { ok: "success", error: "warning", denied: "danger", pending: "warning" };
const DECISION_TONES: Record<string, BadgeTone> = { allowed: "success", denied: "danger", approval_required: "warning", none: "neutral" };
const DECISION_LABELS: Record<string, string> = { approval_required: "needs approval" };

const muted = <span className="text-zinc-400 dark:text-zinc-600">—</span>;

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{term}</dt>
      <dd className="mt-1 font-mono text-xs break-all text-zinc-800 dark:text-zinc-200">{children ?? muted}</dd>
    </div>
  );
}

const ACTOR_KINDS: Record<string, string> = { user: "person", token: "admin token", operator: "operator", agent: "agent" };

/** Rows of the audit table; each links to its event's page and opens a detail row below it with what the list leaves out. */
export function AuditRows({ events, agentsBase, approvalsBase, eventsBase }: { events: AuditEvent[]; agentsBase: string; approvalsBase: string; eventsBase: string }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };

  return (
    <tbody>
      {events.map((e) => {
        const expanded = open.has(e.id);
        const detailId = `event-${e.id}`;
        const client = e.clientName ? `${e.clientName} ${e.clientVersion ?? ""}`.trim() : null;
        return (
          <Fragment key={e.id}>
            <tr data-event={e.id} data-tool={e.tool ?? ""} className={expanded ? "bg-zinc-50/70 dark:bg-zinc-800/30" : undefined}>
              <Td className="font-mono text-xs whitespace-nowrap">
                <Link href={`${eventsBase}/${e.id}`} className={linkStyles} title="The whole record">
                  <time dateTime={e.occurredAt.toISOString()}>{formatTimestamp(e.occurredAt)}</time>
                </Link>
                {e.severity === "alert" ? (
                  <Badge tone="danger" className="ml-2">
                    alert
                  </Badge>
                ) : null}
              </Td>
              <Td className="max-w-44">
                <span className="block truncate">
                  {e.agentName ? (
                    e.agentId ? (
                      <Link href={`${agentsBase}/${e.agentId}`} className={linkStyles}>
                        {e.agentName}
                      </Link>
                    ) : (
                      e.agentName
                    )
                  ) : e.actorName ? (
                    e.actorName
                  ) : (
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">{e.action === "mcp.request" ? "unauthenticated" : "unknown"}</span>
                  )}
                </span>
                <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={client ?? undefined}>
                  {client ?? (e.agentName || !e.actorKind ? "unknown client" : ACTOR_KINDS[e.actorKind] ?? e.actorKind)}
                </span>
              </Td>
              <Td className="font-mono text-xs whitespace-nowrap">
                {e.action === "mcp.request" ? (e.method ?? muted) : e.action}
                {e.actorName ? <span className="block font-sans text-zinc-500 dark:text-zinc-400">by {e.actorName}</span> : null}
              </Td>
              <Td className="max-w-52 font-mono text-xs">
                {e.targetType && !e.server ? (
                  <>
                    <span className="block truncate">{e.targetType}</span>
                    <span className="block truncate text-zinc-900 dark:text-zinc-100" title={e.targetName ?? e.targetId ?? undefined}>
                      {e.targetName ?? e.targetId ?? muted}
                    </span>
                  </>
                ) : (
                  <>
                    <span className="block truncate">{e.server ?? muted}</span>
                    <span className="block truncate text-zinc-900 dark:text-zinc-100" title={e.tool ?? undefined}>
                      {e.tool ?? muted}
                    </span>
                  </>
                )}
              </Td>
              <Td>
                <span className="flex flex-wrap gap-1">
                  <Badge tone={DECISION_TONES[e.decision] ?? "neutral"}>
                    <span className="sr-only">Decision: </span>
                    {DECISION_LABELS[e.decision] ?? e.decision}
                  </Badge>
                  <Badge tone={OUTCOME_TONES[e.outcome] ?? "neutral"}>
                    <span className="sr-only">Outcome: </span>
                    {e.outcome}
                  </Badge>
                </span>
                {e.rule ? (
                  <span className="mt-1 block font-mono text-xs text-zinc-500 dark:text-zinc-400">
                    <span className="sr-only">Rule: </span>
                    {e.rule}
                  </span>
                ) : null}
              </Td>
              <Td className="font-mono text-xs whitespace-nowrap tabular-nums">
                {e.totalMs} ms
                <span className="block text-zinc-500 dark:text-zinc-400">{e.upstreamMs == null ? "no upstream" : `${e.upstreamMs} ms up`}</span>
              </Td>
              <Td className="text-right">
                <button type="button" className={buttonStyles.small} aria-expanded={expanded} aria-controls={detailId} onClick={() => toggle(e.id)}>
                  {expanded ? "Hide" : "Details"}
                </button>
              </Td>
            </tr>
            <tr id={detailId} hidden={!expanded}>
              <td colSpan={7} className="border-b border-zinc-200 bg-zinc-50/70 px-4 py-4 dark:border-zinc-800 dark:bg-zinc-800/30">
                <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
                  <div className="min-w-0 space-y-3">
                    <p className="text-sm">
                      <Link href={`${eventsBase}/${e.id}`} className={linkStyles}>
                        The whole record: result, redactions, changes, place in the chain →
                      </Link>
                    </p>
                    {e.reason ? (
                      <div>
                        <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Why</p>
                        <p className="mt-1 text-sm break-words text-zinc-800 dark:text-zinc-200">{e.reason}</p>
                      </div>
                    ) : null}
                    {e.comment ? (
                      <div>
                        <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Comment</p>
                        <p className="mt-1 text-sm break-words text-zinc-800 dark:text-zinc-200">{e.comment}</p>
                      </div>
                    ) : null}
                    {e.error && e.error !== e.reason ? (
                      <div>
                        <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Error</p>
                        <p className="mt-1 text-sm break-words text-red-700 dark:text-red-400">{e.error}</p>
                      </div>
                    ) : null}
                    <div>
                      <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Arguments</p>
                      {e.arguments == null ? (
                        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">None</p>
                      ) : (
                        <JsonBlock value={e.arguments} className="mt-1" label={`Arguments of event ${e.id}`} />
                      )}
                    </div>
                  </div>
                  <dl className="grid grid-cols-2 content-start gap-4">
                    <Detail term="Rule">{e.rule}</Detail>
                    <Detail term="Approval">
                      {e.approvalId ? (
                        <Link href={`${approvalsBase}/${e.approvalId}`} className={linkStyles}>
                          {e.approvalId}
                        </Link>
                      ) : null}
                    </Detail>
                    <Detail term="JSON-RPC id">{e.jsonrpcId}</Detail>
                    <Detail term="Key">{e.keyPrefix ? `${e.keyPrefix}…` : null}</Detail>
                    <Detail term="Session">{e.sessionId}</Detail>
                    <Detail term="Client">{client}</Detail>
                    <Detail term="Event">{e.id}</Detail>
                    <Detail term="Place in the chain">{e.seq == null ? null : `#${e.seq}`}</Detail>
                    <Detail term="Chain hash">{e.hash}</Detail>
                    <Detail term="Time (UTC)">{e.occurredAt.toISOString()}</Detail>
                  </dl>
                </div>
              </td>
            </tr>
          </Fragment>
        );
      })}
    </tbody>
  );
}
