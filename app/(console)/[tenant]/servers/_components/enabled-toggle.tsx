"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

/** Enables or disables a server in place; a disabled server's tools disappear from every agent at once. */
export function EnabledToggle({ action, enabled, serverName }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; enabled: boolean; serverName: string }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <SubmitButton variant="small">
        {enabled ? "Disable" : "Enable"}
        <span className="sr-only"> {serverName}</span>
      </SubmitButton>
      {state && !state.ok ? (
        <p role="alert" className="max-w-xs text-right text-xs font-medium text-red-600 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
