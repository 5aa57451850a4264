import Link from "next/link";
import { formatTimestamp } from "@/components/dates";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import type { ApprovalView } from "@/lib/approvals/queries";
import { StatusBadge } from "./status";

const muted = <span className="text-zinc-400 dark:text-zinc-600">—</span>;

/** Decided, expired and used requests, newest first: what was asked, what became of it, who said so and why. */
export function DecidedTable({ approvals, base }: { approvals: ApprovalView[]; base: string }) {
  return (
    <Table caption="Decided approval requests, newest first" minWidth="56rem">
      <TableHead columns={["Asked (UTC)", "Tool · agent", "Outcome", "Decided by", "Comment"]} />
      <tbody>
        {approvals.map((a) => (
          <tr key={a.id} data-approval-row={a.id}>
            <Td className="font-mono text-xs whitespace-nowrap">
              <time dateTime={a.createdAt.toISOString()}>{formatTimestamp(a.createdAt)}</time>
            </Td>
            <Td className="max-w-64">
              <Link href={`${base}/approvals/${a.id}`} className={`${linkStyles} block truncate font-mono text-xs`} title={a.exposedName}>
                {a.exposedName}
              </Link>
              <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">{a.agentName}</span>
            </Td>
            <Td className="whitespace-nowrap">
              <StatusBadge status={a.status} />
            </Td>
            <Td className="text-sm">
              {a.votes.length ? (
                <ul>
                  {a.votes.map((v) => (
                    <li key={v.userId}>
                      {v.userName} <span className="text-zinc-500 dark:text-zinc-400">{v.decision === "approve" ? "approved" : "denied"}</span>
                    </li>
                  ))}
                </ul>
              ) : a.status === "expired" ? (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">Nobody in time</span>
              ) : (
                muted
              )}
            </Td>
            <Td className="max-w-72 text-sm">
              <span className="line-clamp-2 break-words" title={a.comment ?? undefined}>
                {a.comment || muted}
              </span>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
