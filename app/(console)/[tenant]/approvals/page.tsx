import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { EmptyState } from "@/components/empty-state";
import { ApprovalsIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { buttonStyles, cardStyles } from "@/components/styles";
import { Tabs } from "@/components/tabs";
import { listApprovals } from "@/lib/approvals/queries";
import { can } from "@/lib/rbac/permissions";
import { actorUserId } from "@/lib/tenancy/context";
import { getTenant } from "@/lib/tenancy/tenants";
import { getTenantContext } from "../tenant-context";
import { ApprovalCard, type Reviewer } from "./_components/approval-card";
import { DecidedTable } from "./_components/decided-table";
import { DecisionFeedback } from "./_components/decision-feedback";
import { RefreshOnApprovalChange } from "./_components/live";
import { decideApprovalAction } from "./actions";

export const metadata: Metadata = { title: "Approvals" };

const PENDING_LIMIT = 100;
const DECIDED_PAGE = 50;
/** Each pending request shows the agent's latest calls of its session; all of them on its details page. */
const RECENT_CALLS = 5;

type Search = { view?: string; before?: string };

export default async function ApprovalsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  const search = await searchParams;
  const ctx = await getTenantContext(slug);
  const base = `/${ctx.tenant.slug}`;
  const path = `${base}/approvals`;

  if (!can(ctx.role, "approvals.read")) {
    return (
      <>
        <PageHeader title="Approvals" description="Tool calls held for a person's decision." />
        <Alert tone="info">Your role ({ctx.role}) does not allow seeing approval requests.</Alert>
      </>
    );
  }

  const before = typeof search.before === "string" && /^apr_\w{1,36}$/.test(search.before) ? search.before : undefined;
  const [tenant, pending, decided] = await Promise.all([
    getTenant(ctx),
    listApprovals(ctx, { status: "pending", limit: PENDING_LIMIT, recentCalls: RECENT_CALLS }),
    listApprovals(ctx, { status: "decided", limit: DECIDED_PAGE, before }),
  ]);
  const recent = new Map(pending.flatMap((a) => (a.sessionId && a.recent ? [[a.id, a.recent] as const] : [])));
  const reviewer: Reviewer = { userId: actorUserId(ctx) ?? "", role: ctx.role, canDecide: can(ctx.role, "approvals.decide") };
  const action = (id: string) => decideApprovalAction.bind(null, ctx.tenant.slug, id);

  const pendingPanel =
    pending.length === 0 ? (
      <div className={cardStyles}>
        <EmptyState icon={<ApprovalsIcon />} title="Nothing is waiting for a decision">
          A call held by a require_approval rule appears here the moment an agent makes it; there is no need to reload.
        </EmptyState>
      </div>
    ) : (
      <div className="space-y-4">
        {pending.length === PENDING_LIMIT ? (
          <Alert tone="info">Showing the {PENDING_LIMIT} newest requests; decide these and older ones follow.</Alert>
        ) : null}
        {pending.map((a) => (
          <ApprovalCard key={a.id} approval={a} recent={recent.get(a.id)} base={base} reviewer={reviewer} action={action(a.id)} />
        ))}
      </div>
    );

  const decidedPanel =
    decided.length === 0 ? (
      <div className={cardStyles}>
        <EmptyState icon={<ApprovalsIcon />} title={before ? "No older requests" : "No decisions yet"}>
          {before ? (
            <Link href={`${path}?view=decided`} className={buttonStyles.small}>
              ← Newest
            </Link>
          ) : (
            "Approved, denied and expired requests are kept here with who decided and why."
          )}
        </EmptyState>
      </div>
    ) : (
      <div className={`${cardStyles} overflow-hidden`}>
        <DecidedTable approvals={decided} base={base} />
        <nav aria-label="Decided requests pages" className="flex items-center justify-between gap-3 px-5 py-3">
          {before ? (
            <Link href={`${path}?view=decided`} className={buttonStyles.small}>
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {decided.length === DECIDED_PAGE ? (
            <Link href={`${path}?view=decided&before=${decided[decided.length - 1]!.id}`} className={buttonStyles.small}>
              Older →
            </Link>
          ) : (
            <span className="text-xs text-zinc-500 dark:text-zinc-400">No older requests</span>
          )}
        </nav>
      </div>
    );

  return (
    <>
      <PageHeader
        title="Approvals"
        description={`Tool calls a require_approval rule holds until a person decides. An agent's call waits up to ${tenant.approvalWaitSeconds} s for your decision; this page updates by itself. Times are UTC.`}
      />
      <RefreshOnApprovalChange />
      {reviewer.canDecide ? null : (
        <Alert tone="info" className="mb-6">
          Your role ({ctx.role}) can see requests but not decide them; reviewers, admins and owners decide.
        </Alert>
      )}
      <DecisionFeedback>
        <Tabs
          label="Approval requests"
          initial={search.view === "decided" ? "decided" : "pending"}
          items={[
            { id: "pending", label: `Pending (${pending.length}${pending.length === PENDING_LIMIT ? "+" : ""})`, content: pendingPanel },
            { id: "decided", label: "Decided", content: decidedPanel },
          ]}
        />
      </DecisionFeedback>
    </>
  );
}
