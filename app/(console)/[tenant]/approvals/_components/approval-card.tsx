import Link from "next/link";
import { cx } from "@/components/cx";
import { formatDateTime, formatTimestamp } from "@/components/dates";
import { cardStyles, linkStyles } from "@/components/styles";
import type { ApprovalView } from "@/lib/approvals/queries";
import type { SessionCall } from "@/lib/audit/session-calls";
import type { ConsoleRole } from "@/lib/rbac/permissions";
import type { DecisionState } from "../actions";
import { ArgumentsBlock } from "./arguments-block";
import { Countdown } from "./countdown";
import { DecisionForm } from "./decision-form";
import { RequestFacts } from "./request-facts";
import { RecentCalls } from "./session-calls";
import { approverText, ranksAsApprover } from "@/lib/approvals/approvers";
import { formatDuration } from "./status";

/** Who is looking, for what they may do with a request. */
export type Reviewer = { userId: string; role: ConsoleRole; canDecide: boolean };

/** What stops this reviewer from deciding this request, if anything (the lib has the last word). */
export function whyNotDecide(approval: ApprovalView, reviewer: Reviewer): string | null {
  if (!reviewer.canDecide) return null; // said once for the page
  if (!ranksAsApprover(reviewer.role, approval.approverRole)) return `This call needs a decision by ${approverText(approval.approverRole)}; your role is ${reviewer.role}.`;
  const mine = approval.votes.find((v) => v.userId === reviewer.userId);
  if (mine) {
    const left = approval.approvalsRequired - approval.votes.filter((v) => v.decision === "approve").length;
    return `You approved this call. It needs ${left === 1 ? "another approval" : `${left} more approvals`} by someone else.`;
  }
  return null;
}

/** The decision controls for a pending request, or why there are none. */
export function DecisionArea({
  approval,
  reviewer,
  action,
  separated = true,
}: {
  approval: ApprovalView;
  reviewer: Reviewer;
  action: (prev: DecisionState, form: FormData) => Promise<DecisionState>;
  /** A rule above it, inside a card with more above. */
  separated?: boolean;
}) {
  if (!reviewer.canDecide) return null;
  const blocked = whyNotDecide(approval, reviewer);
  const rule = separated ? "border-t border-zinc-200 pt-4 dark:border-zinc-800" : undefined;
  if (blocked) return <p className={cx("text-sm text-zinc-600 dark:text-zinc-400", rule)}>{blocked}</p>;
  return (
    <DecisionForm
      className={rule}
      action={action}
      approvalId={approval.id}
      exposedName={approval.exposedName}
      msLeft={approval.msLeft}
      usableFor={formatDuration(approval.expiresAt.getTime() - approval.createdAt.getTime())}
      youIssuedKey={approval.keyCreatedBy === reviewer.userId}
    />
  );
}

/**
 * One held call in the inbox: what the agent wants to do (tool, arguments),
 * who it is, why it is held, what it did before in its session, the time
 * left, and the reviewer's decision.
 */
export function ApprovalCard({
  approval,
  recent,
  base,
  reviewer,
  action,
}: {
  approval: ApprovalView;
  /** The agent's latest earlier calls in the session, when read for the inbox. */
  recent?: { calls: SessionCall[]; total: number };
  base: string;
  reviewer: Reviewer;
  action: (prev: DecisionState, form: FormData) => Promise<DecisionState>;
}) {
  const headingId = `approval-${approval.id}-heading`;
  const client = approval.clientName ? `${approval.clientName} ${approval.clientVersion ?? ""}`.trim() : null;
  return (
    <article data-approval={approval.id} aria-labelledby={headingId} className={`${cardStyles} space-y-4 p-5`}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h2 id={headingId} data-approval-heading tabIndex={-1} className="font-mono text-base font-semibold break-all text-zinc-900 outline-none focus-visible:underline dark:text-zinc-50">
            {approval.exposedName}
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            <Link href={`${base}/agents/${approval.agentId}`} className={linkStyles}>
              {approval.agentName}
            </Link>{" "}
            with key <span className="font-mono text-xs">{approval.keyPrefix}…</span>
            {client ? <> via {client}</> : null} · asked <time dateTime={approval.createdAt.toISOString()}>{formatTimestamp(approval.createdAt)}</time> UTC
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-3">
          <Countdown msLeft={approval.msLeft} expiresAt={formatDateTime(approval.expiresAt)} />
          <Link href={`${base}/approvals/${approval.id}`} className={`${linkStyles} text-sm`}>
            Details<span className="sr-only"> of {approval.exposedName}</span>
          </Link>
        </div>
      </div>

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,18rem)]">
        <div className="min-w-0 space-y-4">
          <div>
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Arguments</h3>
            <ArgumentsBlock value={approval.arguments} label={`Arguments of ${approval.exposedName}`} />
          </div>
          {recent ? (
            <div>
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Earlier in this session</h3>
              <RecentCalls calls={recent.calls} total={recent.total} />
            </div>
          ) : null}
        </div>
        <RequestFacts approval={approval} rolesBase={`${base}/roles`} />
      </div>

      <DecisionArea approval={approval} reviewer={reviewer} action={action} />
    </article>
  );
}
