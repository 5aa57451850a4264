import Link from "next/link";
import type { ReactNode } from "react";
import { linkStyles } from "@/components/styles";
import type { ApprovalView } from "@/lib/approvals/queries";
import { approverText } from "@/lib/approvals/approvers";

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{term}</dt>
      <dd className="mt-1 text-sm break-words text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

/** Why a call is held and who may release it: the rule (as it was), its condition and reason, the approvals so far. */
export function RequestFacts({ approval, rolesBase }: { approval: ApprovalView; rolesBase: string }) {
  const { rule } = approval;
  const approvedBy = approval.votes.filter((v) => v.decision === "approve");
  return (
    <dl className="grid content-start gap-3">
      <Fact term="Rule">
        <Link href={`${rolesBase}/${encodeURIComponent(rule.role)}`} className={`${linkStyles} font-mono text-sm`}>
          {rule.role}#{rule.position}
        </Link>
      </Fact>
      {rule.condition ? (
        <Fact term="Condition">
          <code className="block rounded bg-zinc-100 px-1.5 py-1 font-mono text-xs break-all text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">{rule.condition}</code>
        </Fact>
      ) : null}
      <Fact term="Why it is held">{rule.reason}</Fact>
      <Fact term="Approvals">
        <span className="tabular-nums">
          {approvedBy.length} of {approval.approvalsRequired}
        </span>
        {approvedBy.length ? <span className="text-zinc-600 dark:text-zinc-400"> ({approvedBy.map((v) => v.userName).join(", ")})</span> : null}
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
          By {approverText(approval.approverRole)}
          {approval.approvalsRequired > 1 ? `, ${approval.approvalsRequired} different people` : ""}
        </span>
      </Fact>
    </dl>
  );
}
