"use client";

import { useActionState } from "react";
import { NewPasswordField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { TenantFields } from "@/components/tenant-fields";
import { setupAction } from "../actions";

const FIELDS = ["name", "email", "password", "tenantName", "tenantSlug"] as const;

export function SetupForm() {
  const [state, action] = useActionState(setupAction, null);
  return (
    <form action={action} noValidate>
      <PendingFieldset className="space-y-6">
        <FormError state={state} fields={FIELDS} />
        <fieldset className="space-y-4">
          <legend className="sr-only">Your owner account</legend>
          <p aria-hidden="true" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            Your owner account
          </p>
          <TextField name="name" label="Your name" autoComplete="name" defaultValue={typed(state, "name")} errors={fieldErrors(state, "name")} autoFocus />
          <TextField name="email" label="Email" type="email" autoComplete="email" defaultValue={typed(state, "email")} errors={fieldErrors(state, "email")} />
          <NewPasswordField name="password" label="Password" note="A passphrase of a few words is good." errors={fieldErrors(state, "password")} />
        </fieldset>
        <fieldset className="space-y-4 border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <legend className="sr-only">Your first tenant</legend>
          <p aria-hidden="true" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            Your first tenant
          </p>
          <TenantFields state={state} nameField="tenantName" slugField="tenantSlug" />
        </fieldset>
        <SubmitButton className="w-full">Create owner and tenant</SubmitButton>
      </PendingFieldset>
    </form>
  );
}
