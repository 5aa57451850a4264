"use client";

import { useActionState } from "react";
import { FormError } from "@/components/form-error";
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
        <TenantFields state={state} nameField="name" slugField="slug" />
        <div className="flex justify-end">
          <SubmitButton>Create tenant</SubmitButton>
        </div>
      </PendingFieldset>
    </form>
  );
}
