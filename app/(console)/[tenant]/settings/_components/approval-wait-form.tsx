"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

/** How long a tools/call that needs approval waits for a reviewer before the agent is told to call again. */
export function ApprovalWaitForm({ action, seconds }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; seconds: number }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} noValidate>
      <PendingFieldset className="space-y-4">
        <FormError state={state} fields={["approvalWaitSeconds"]} />
        {state?.ok ? <Alert tone="success">Saved.</Alert> : null}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
          <TextField
            key={seconds}
            name="approvalWaitSeconds"
            label="Hold calls for (seconds)"
            type="number"
            inputMode="numeric"
            min={0}
            max={120}
            defaultValue={typed(state, "approvalWaitSeconds", String(seconds))}
            errors={fieldErrors(state, "approvalWaitSeconds")}
            hint="0–120. A call needing approval stays open this long; then the agent is told to repeat it later."
            className="sm:w-80"
          />
          <div className="sm:pt-[1.625rem]">
            <SubmitButton>Save wait</SubmitButton>
          </div>
        </div>
      </PendingFieldset>
    </form>
  );
}
