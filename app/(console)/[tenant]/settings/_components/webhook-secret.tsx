"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { SecretReveal } from "@/components/secret-reveal";
import { buttonStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

type State = ActionState<{ secret: string }>;

/**
 * The signing secret's hint, and (for those who may) its rotation behind a
 * confirm step; the new secret is shown once, here.
 */
export function WebhookSecret({ hint, action }: { hint: string | null; action?: (prev: State, form: FormData) => Promise<State> }) {
  return (
    <div className="min-w-0 flex-1 space-y-3">
      <div>
        <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Signing secret</p>
        {hint ? (
          <p className="mt-1 font-mono text-sm text-zinc-700 dark:text-zinc-300">{hint}</p>
        ) : (
          <p className="mt-1 text-sm text-amber-800 dark:text-amber-300">The stored secret cannot be opened (the encryption key changed); rotate it.</p>
        )}
      </div>
      {action ? <RotateSecret action={action} /> : null}
    </div>
  );
}

function RotateSecret({ action }: { action: (prev: State, form: FormData) => Promise<State> }) {
  const [state, formAction] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (state) setConfirming(false);
  }, [state]);

  return (
    <div className="space-y-3">
      {confirming ? (
        <form action={formAction} className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-zinc-600 dark:text-zinc-400">Rotate? Deliveries are signed with the new secret at once; update your receiver.</span>
          <SubmitButton variant="smallDanger" autoFocus>
            Yes, rotate
          </SubmitButton>
          <button
            type="button"
            className={buttonStyles.small}
            onClick={() => {
              setConfirming(false);
              trigger.current?.focus();
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <button ref={trigger} type="button" className={buttonStyles.small} onClick={() => setConfirming(true)}>
          Rotate secret
        </button>
      )}
      {state && !state.ok ? (
        <p role="alert" className="text-xs font-medium text-red-600 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <SecretReveal title="New webhook signing secret" value={state.secret} testId="webhook-secret">
          Copy it now: this is the only time it is shown. The previous secret no longer signs anything.
        </SecretReveal>
      ) : null}
    </div>
  );
}
