import { Badge, type BadgeTone } from "@/components/badge";
import type { DecisionSummary } from "@/lib/policy/simulate";
import { formatDuration, type Effect } from "./rule-model";

const TONE: Record<Effect, BadgeTone> = { allow: "success", deny: "danger", require_approval: "warning" };
const WORD: Record<Effect, string> = { allow: "allow", deny: "deny", require_approval: "require approval" };

export function EffectBadge({ effect }: { effect: Effect }) {
  return (
    <Badge tone={TONE[effect]} className="whitespace-nowrap">
      {WORD[effect]}
    </Badge>
  );
}

/** "2 approvals by admin or above, expires in 4 hours". */
export function approvalText(approval: NonNullable<DecisionSummary["approval"]>): string {
  return `${approval.approvalsRequired === 1 ? "1 approval" : `${approval.approvalsRequired} approvals`} by ${approval.approverRole} or above, expires in ${formatDuration(approval.ttlSeconds)}`;
}

/** A decision in one line: its effect, what it asks for, and the rule that decided. */
export function DecisionLine({ decision }: { decision: DecisionSummary }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
      <EffectBadge effect={decision.effect} />
      {decision.approval ? <span className="text-xs text-zinc-700 dark:text-zinc-300">{approvalText(decision.approval)}</span> : null}
      <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{decision.rule ?? "no rule (deny by default)"}</span>
    </span>
  );
}
