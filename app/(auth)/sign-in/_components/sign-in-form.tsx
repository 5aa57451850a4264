"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextField } from "@/components/field";
import { typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { signInAction } from "../actions";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl?: string; initialError?: string }) {
  const [state, action] = useActionState(signInAction, null);
  const error = state && !state.ok ? state.error : state === null ? initialError : undefined;

  return (
    <form action={action} noValidate>
      <PendingFieldset className="space-y-5">
        {error ? <Alert tone="error">{error}</Alert> : null}
        {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
        <TextField name="email" label="Email" type="email" autoComplete="username" defaultValue={typed(state, "email")} autoFocus required />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" required />
        <SubmitButton className="w-full">Sign in</SubmitButton>
      </PendingFieldset>
    </form>
  );
}
