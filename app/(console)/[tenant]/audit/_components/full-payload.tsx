"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { JsonBlock } from "@/components/json-block";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { FullPayload } from "@/lib/audit/payloads";

/**
 * The event's unredacted arguments and result, opened only when asked: each
 * opening is itself an audit event naming who read what.
 */
export function FullPayloadReveal({ action }: { action: () => Promise<ActionState<{ payload: FullPayload | null }>> }) {
  const [state, formAction] = useActionState(action, null);
  const payload = state?.ok ? state.payload : undefined;
  return (
    <form action={formAction} className="space-y-4">
      {!state?.ok ? (
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton>Show the full payload</SubmitButton>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Unredacted, as the agent sent and got it. Opening it is recorded in this log under your name.</p>
        </div>
      ) : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      {state?.ok && payload === null ? <Alert tone="info">This event keeps no full payload.</Alert> : null}
      {payload ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <div className="min-w-0">
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Arguments, unredacted</h3>
            <JsonBlock value={payload.arguments} className="mt-1" label="Full arguments" />
          </div>
          <div className="min-w-0">
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Result, whole</h3>
            <JsonBlock value={payload.result} className="mt-1" label="Full result" />
          </div>
        </div>
      ) : null}
    </form>
  );
}
