import type { Metadata } from "next";
import Link from "next/link";
import { formatDateTime, formatTimestamp } from "@/components/dates";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { getApproval, type ApprovalDetail } from "@/lib/approvals/queries";
import { can } from "@/lib/rbac/permissions";
import { actorUserId } from "@/lib/tenancy/context";
import { getTenantContext } from "../../tenant-context";
import { ArgumentsBlock } from "../_components/arguments-block";
import { Countdown } from "../_components/countdown";
import { DecisionArea, type Reviewer } from "../_components/approval-card";
import { DecisionFeedback } from "../_components/decision-feedback";
import { RefreshOnApprovalChange } from "../_components/live";
import { RequestFacts } from "../_components/request-facts";
import { SessionCallsTable } from "../_components/session-calls";
import { StatusBadge } from "../_components/status";
import { decideApprovalAction } from "../actions";

export const metadata: Metadata = { title: "Approval request" };

type Props = { params: Promise<{ tenant: string; approvalId: string }> };

type Step = { at: Date; text: string; comment?: string; upcoming?: boolean };

/** The request's life so far, oldest first, and what comes next while it is open. */
function history(a: ApprovalDetail): Step[] {
  const steps: Step[] = [{ at: a.createdAt, text: `${a.agentName} called ${a.exposedName}; the call was held for approval` }];
  for (const v of a.votes) steps.push({ at: v.createdAt, text: `${v.userName} ${v.decision === "approve" ? "approved" : "denied"}`, comment: v.comment || undefined });
  if (a.decidedAt) steps.push({ at: a.decidedAt, text: a.status === "denied" ? "Denied" : "Approved: the call may run once" });
  if (a.consumedAt) steps.push({ at: a.consumedAt, text: "The call ran on this approval" });
  if (a.status === "pending") steps.push({ at: a.expiresAt, text: "Expires unless decided", upcoming: true });
  if (a.status === "approved") steps.push({ at: a.expiresAt, text: "The approval can be used until", upcoming: true });
  if (a.status === "expired") steps.push({ at: a.expiresAt, text: a.decidedAt ? "Expired unused" : "Expired: nobody decided in time" });
  return steps.sort((x, y) => x.at.getTime() - y.at.getTime());
}

export default async function ApprovalPage({ params }: Props) {
  const { tenant: slug, approvalId } = await params;
  const ctx = await getTenantContext(slug);
  const approval = await orNotFound(getApproval(ctx, approvalId));
  const base = `/${ctx.tenant.slug}`;
  const reviewer: Reviewer = { userId: actorUserId(ctx) ?? "", role: ctx.role, canDecide: can(ctx.role, "approvals.decide") };
  const pending = approval.status === "pending";
  const client = approval.clientName ? `${approval.clientName} ${approval.clientVersion ?? ""}`.trim() : null;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`${base}/approvals`} className={linkStyles}>
          ← Approvals
        </Link>
      </p>
      <PageHeader
        title={<span className="font-mono break-all">{approval.exposedName}</span>}
        description={
          <>
            A call by{" "}
            <Link href={`${base}/agents/${approval.agentId}`} className={linkStyles}>
              {approval.agentName}
            </Link>{" "}
            with key <span className="font-mono">{approval.keyPrefix}…</span>
            {client ? <> via {client}</> : null}, asked {formatDateTime(approval.createdAt)}. Request <span className="font-mono">{approval.id}</span>.
          </>
        }
        actions={
          <div className="flex items-center gap-3">
            <StatusBadge status={approval.status} />
            {pending ? <Countdown msLeft={approval.msLeft} expiresAt={formatDateTime(approval.expiresAt)} /> : null}
          </div>
        }
      />
      <RefreshOnApprovalChange approvalId={approval.id} />

      <DecisionFeedback>
        <div className="space-y-8">
          {pending && reviewer.canDecide ? (
            <Section
              id="decide"
              title="Decide"
              description="While the agent's call is held, your decision reaches it at once; after that, an approval lets the agent's repeat of the same call run."
            >
              <div data-approval={approval.id}>
                <DecisionArea approval={approval} reviewer={reviewer} action={decideApprovalAction.bind(null, ctx.tenant.slug, approval.id)} separated={false} />
              </div>
            </Section>
          ) : null}

          <Section id="request" title="Request" description="What the agent asked to run, and the rule that holds it (as it was when the call was made).">
            <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,18rem)]">
              <div className="min-w-0">
                <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Arguments</h3>
                <ArgumentsBlock value={approval.arguments} label={`Arguments of ${approval.exposedName}`} />
              </div>
              <RequestFacts approval={approval} rolesBase={`${base}/roles`} />
            </div>
          </Section>

          <Section
            id="session"
            title="Earlier in this session"
            description={approval.sessionId ? "The agent's tool calls before this one in the same MCP session, oldest first." : "The call was made outside an MCP session."}
            flush
          >
            {approval.sessionCalls.length ? (
              <SessionCallsTable calls={approval.sessionCalls} />
            ) : (
              <p className="px-5 py-5 text-sm text-zinc-500 dark:text-zinc-400">No earlier calls.</p>
            )}
          </Section>

          <Section id="votes" title="Votes" description="Each reviewer's decision and comment. The agent reads a denial's comment." flush>
            {approval.votes.length ? (
              <Table caption="Votes on this request" minWidth="36rem">
                <TableHead columns={["Reviewer", "Decision", "Comment", "Time (UTC)"]} />
                <tbody>
                  {approval.votes.map((v) => (
                    <tr key={v.userId}>
                      <Td className="font-medium text-zinc-900 dark:text-zinc-100">{v.userName}</Td>
                      <Td>{v.decision === "approve" ? "Approved" : "Denied"}</Td>
                      <Td className="max-w-96 break-words">{v.comment || <span className="text-zinc-500 dark:text-zinc-400">No comment</span>}</Td>
                      <Td className="font-mono text-xs whitespace-nowrap">
                        <time dateTime={v.createdAt.toISOString()}>{formatTimestamp(v.createdAt)}</time>
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : (
              <p className="px-5 py-5 text-sm text-zinc-500 dark:text-zinc-400">No votes yet.</p>
            )}
          </Section>

          <Section
            id="history"
            title="History"
            actions={
              can(ctx.role, "audit.read") ? (
                <Link href={`${base}/audit?approval=${encodeURIComponent(approval.id)}`} className={`${linkStyles} text-sm`}>
                  Audit events of this request
                </Link>
              ) : null
            }
          >
            <ol className="space-y-3">
              {history(approval).map((step, i) => (
                <li key={i} className="flex flex-col gap-0.5 sm:flex-row sm:gap-4">
                  <time dateTime={step.at.toISOString()} className="w-48 shrink-0 font-mono text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
                    {formatTimestamp(step.at)}
                  </time>
                  <span className={step.upcoming ? "text-sm text-zinc-500 italic dark:text-zinc-400" : "text-sm text-zinc-800 dark:text-zinc-200"}>
                    {step.text}
                    {step.comment ? <span className="block text-zinc-600 dark:text-zinc-400">“{step.comment}”</span> : null}
                  </span>
                </li>
              ))}
            </ol>
          </Section>
        </div>
      </DecisionFeedback>
    </>
  );
}
