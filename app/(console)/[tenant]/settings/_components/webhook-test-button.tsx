"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

type State = ActionState<{ deliveryId: string }>;

/** Queues a `webhook.test` event, then refreshes the page once it has likely been sent, to show how it went. */
export function WebhookTestButton({ action }: { action: (prev: State, form: FormData) => Promise<State> }) {
  const [state, formAction] = useActionState(action, null);
  const router = useRouter();

  useEffect(() => {
    if (!state?.ok) return;
    const timer = setTimeout(() => router.refresh(), 2_000);
    return () => clearTimeout(timer);
  }, [state, router]);

  return (
    <form action={formAction} className="flex flex-col items-start gap-1.5 sm:items-end">
      <SubmitButton variant="secondary">Send test event</SubmitButton>
      {state?.ok ? (
        <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
          Test event queued; it shows in the deliveries below.
        </p>
      ) : null}
      {state && !state.ok ? (
        <p role="alert" className="max-w-xs text-xs font-medium text-red-600 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
