"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

export function RenameForm({ action, name }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; name: string }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} noValidate>
      <PendingFieldset className="space-y-4">
        <FormError state={state} fields={["name"]} />
        {state?.ok ? <Alert tone="success">Saved.</Alert> : null}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
          <TextField
            key={name}
            name="name"
            label="Display name"
            defaultValue={typed(state, "name", name)}
            maxLength={100}
            errors={fieldErrors(state, "name")}
            className="sm:w-80"
          />
          <div className="sm:pt-[1.625rem]">
            <SubmitButton>Save name</SubmitButton>
          </div>
        </div>
      </PendingFieldset>
    </form>
  );
}
