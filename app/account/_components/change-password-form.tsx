"use client";

import { useActionState } from "react";
import { NewPasswordField, TextField } from "@/components/field";
import { fieldErrors, FormError } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { changePasswordAction } from "../actions";

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, action] = useActionState(changePasswordAction, null);
  return (
    <form action={action} noValidate>
      <PendingFieldset className="max-w-sm space-y-4">
        <FormError state={state} fields={["currentPassword", "newPassword"]} />
        {/* Lets password managers tie the new password to the right account. */}
        <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
        <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" errors={fieldErrors(state, "currentPassword")} />
        <NewPasswordField name="newPassword" label="New password" note="Changing it signs out every other session." errors={fieldErrors(state, "newPassword")} />
        <SubmitButton>Change password</SubmitButton>
      </PendingFieldset>
    </form>
  );
}
