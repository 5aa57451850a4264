"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

/** A role's name and description: creates a role (no `role`) or renames and redescribes one. */
export function RoleDetailsForm({ action, role }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; role?: { name: string; description: string } }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} noValidate>
      <PendingFieldset className="space-y-4">
        <FormError state={state} fields={["name", "description"]} />
        {state?.ok ? <Alert tone="success">Saved.</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_minmax(0,1fr)_auto] sm:items-start">
          <TextField
            key={role?.name}
            name="name"
            idPrefix="role"
            label="Role name"
            placeholder="support-readonly"
            autoComplete="off"
            maxLength={64}
            defaultValue={typed(state, "name", role?.name ?? "")}
            errors={fieldErrors(state, "name")}
          />
          <TextField
            name="description"
            idPrefix="role"
            label="Description"
            placeholder="Read-only tools of the support systems"
            autoComplete="off"
            maxLength={500}
            defaultValue={typed(state, "description", role?.description ?? "")}
            errors={fieldErrors(state, "description")}
          />
          <div className="sm:pt-[1.625rem]">
            <SubmitButton className="w-full sm:w-auto">{role ? "Save" : "Create role"}</SubmitButton>
          </div>
        </div>
      </PendingFieldset>
    </form>
  );
}
