import { Badge, type BadgeTone } from "@/components/badge";
import { formatTimestamp } from "@/components/dates";
import { Table, TableHead, Td } from "@/components/table";
import type { SessionCall } from "@/lib/audit/session-calls";
import { formatTimeOfDay } from "./status";

const DECISION: Record<SessionCall["decision"], { label: string; tone: BadgeTone }> = {
  allow: { label: "allowed", tone: "success" },
  deny: { label: "denied", tone: "danger" },
  require_approval: { label: "needed approval", tone: "warning" },
};

function Decision({ decision }: { decision: SessionCall["decision"] }) {
  return (
    <Badge tone={DECISION[decision].tone}>
      <span className="sr-only">Decision: </span>
      {DECISION[decision].label}
    </Badge>
  );
}

/** The agent's latest calls before this one in the same MCP session, newest last: what it has been doing. */
export function RecentCalls({ calls, total }: { calls: SessionCall[]; total: number }) {
  if (calls.length === 0) return <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">None before this one.</p>;
  return (
    <>
      {total > calls.length ? <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">The last {calls.length} of {total}.</p> : null}
      <ol className="mt-1 space-y-1">
        {calls.map((c, i) => (
          <li key={i} className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-sm">
            <time dateTime={c.at.toISOString()} className="font-mono text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
              {formatTimeOfDay(c.at)}
            </time>
            <span className="font-mono text-xs text-zinc-800 dark:text-zinc-200">{c.name}</span>
            <Decision decision={c.decision} />
          </li>
        ))}
      </ol>
    </>
  );
}

/** Every earlier call of the session the reviewer can see, as a table. */
export function SessionCallsTable({ calls }: { calls: SessionCall[] }) {
  return (
    <Table caption="The agent's earlier calls in this session, oldest first" minWidth="32rem">
      <TableHead columns={["Time (UTC)", "Tool", "Decision"]} />
      <tbody>
        {calls.map((c, i) => (
          <tr key={i}>
            <Td className="font-mono text-xs whitespace-nowrap">
              <time dateTime={c.at.toISOString()}>{formatTimestamp(c.at)}</time>
            </Td>
            <Td className="font-mono text-xs">{c.name}</Td>
            <Td>
              <Decision decision={c.decision} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
