"use client";

import { useActionState } from "react";
import { NewPasswordField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { checkboxStyles } from "@/components/styles";
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
          <div className="flex items-start gap-2.5">
            <input
              id="f-demo"
              type="checkbox"
              name="demo"
              defaultChecked={state && !state.ok ? state.values?.demo === "on" : true}
              aria-describedby="f-demo-hint"
              className={`${checkboxStyles} mt-0.5`}
            />
            <div>
              <label htmlFor="f-demo" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
                Also create a demo tenant with example tools
              </label>
              <p id="f-demo-hint" className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
                A separate tenant with a built-in example server, a role and an agent, to try the MCP endpoint at once. Delete it whenever you like.
              </p>
            </div>
          </div>
        </fieldset>
        <SubmitButton className="w-full">Create owner and tenant</SubmitButton>
      </PendingFieldset>
    </form>
  );
}
