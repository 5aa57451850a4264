"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionState } from "@/lib/actions";
import { cx } from "./cx";
import { buttonStyles } from "./styles";
import { SubmitButton } from "./submit-button";

/**
 * A destructive action behind a confirm step: "Remove" turns into
 * "<prompt> Yes, remove / Cancel". Errors (e.g. "last owner") show in place.
 */
export function ConfirmAction({
  action,
  label,
  confirmLabel,
  prompt,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  label: string;
  confirmLabel: string;
  prompt: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  useEffect(() => {
    if (state && !state.ok) {
      refocus.current = true;
      setConfirming(false);
    }
  }, [state]);

  useEffect(() => {
    if (!confirming && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [confirming]);

  return (
    <div className="flex flex-col items-end gap-1.5">
      {confirming ? (
        <form action={formAction} className="flex flex-wrap items-center justify-end gap-2">
          <span className="text-xs text-zinc-600 dark:text-zinc-400">{prompt}</span>
          <SubmitButton variant="smallDanger" autoFocus>
            {confirmLabel}
          </SubmitButton>
          <button
            type="button"
            className={buttonStyles.small}
            onClick={() => {
              refocus.current = true;
              setConfirming(false);
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <button ref={trigger} type="button" className={cx(buttonStyles.smallDanger)} onClick={() => setConfirming(true)}>
          {label}
        </button>
      )}
      {state && !state.ok ? (
        <p role="alert" className="max-w-xs text-right text-xs font-medium text-red-600 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}
