"use client";

import { useActionState } from "react";
import { NewPasswordField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

export function SignUpForm({
  action,
  email,
  tenantName,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  email: string;
  tenantName: string;
}) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} noValidate>
      <PendingFieldset className="space-y-4">
        <FormError state={state} fields={["name", "password"]} />
        <TextField name="email" label="Email" type="email" value={email} readOnly autoComplete="username" hint="The invitation is for this address." />
        <TextField name="name" label="Your name" autoComplete="name" defaultValue={typed(state, "name")} errors={fieldErrors(state, "name")} autoFocus />
        <NewPasswordField name="password" label="Password" errors={fieldErrors(state, "password")} />
        <SubmitButton className="w-full">Join {tenantName}</SubmitButton>
      </PendingFieldset>
    </form>
  );
}
