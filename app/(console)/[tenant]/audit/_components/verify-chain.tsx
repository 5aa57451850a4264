"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { ChainReport } from "@/lib/audit/verify";

/** Recomputes the tenant's audit hash chain on request and says whether it holds, or where it breaks. */
export function VerifyChain({ action }: { action: () => Promise<ActionState<{ report: ChainReport }>> }) {
  const [state, formAction] = useActionState(action, null);
  const report = state?.ok ? state.report : undefined;
  return (
    <form action={formAction} className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>Verify the chain</SubmitButton>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every event stores the hash of its content and of the event before it. Verifying recomputes them all and names the first event that was changed,
          removed or added behind Gatehouse&apos;s back.
        </p>
      </div>
      {/* Each outcome is an Alert, itself a live status region. */}
      <div>
        {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
        {report?.ok ? (
          <Alert tone="success">
            The chain holds: {report.checked} {report.checked === 1 ? "event" : "events"} checked
            {report.prunedThrough ? <> from event {report.prunedThrough + 1} (earlier ones were deleted by retention, down to a signed checkpoint)</> : null}
            {report.verifiedThrough ? (
              <>
                , ending at <span className="font-mono break-all">{report.verifiedThrough.hash}</span>
              </>
            ) : null}
            .
          </Alert>
        ) : null}
        {report && !report.ok && report.brokenAt ? (
          <Alert tone="error">
            The chain is broken at event {report.brokenAt.seq}
            {report.brokenAt.eventId ? <span className="font-mono"> ({report.brokenAt.eventId})</span> : null}: {report.brokenAt.problem}. The{" "}
            {report.checked} {report.checked === 1 ? "event" : "events"} before it hold.
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
