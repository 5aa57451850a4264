"use client";

import { useActionState } from "react";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { TenantFields } from "@/components/tenant-fields";
import { createTenantAction } from "../actions";

export function NewTenantForm() {
  const [state, action] = useActionState(createTenantAction, null);
  return (
    <form action={action} noValidate>
      <PendingFieldset className="space-y-5">
        <FormError state={state} fields={["name", "slug"]} />
        <TenantFields
          key={state && !state.ok ? JSON.stringify(state.values) : "initial"}
          nameField="name"
          slugField="slug"
          nameLabel="Tenant name"
          slugLabel="Tenant slug"
          initialName={typed(state, "name")}
          initialSlug={typed(state, "slug")}
          errors={{ name: fieldErrors(state, "name"), slug: fieldErrors(state, "slug") }}
        />
        <div className="flex justify-end">
          <SubmitButton>Create tenant</SubmitButton>
        </div>
      </PendingFieldset>
    </form>
  );
}
