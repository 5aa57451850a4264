"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { SelectField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SecretReveal } from "@/components/secret-reveal";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { ConsoleRole } from "@/lib/rbac/permissions";
import type { AddMemberOutcome } from "../actions";

type State = ActionState<{ outcome: AddMemberOutcome }>;

const expiryFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" });

export function AddMemberForm({ action, roles }: { action: (prev: State, form: FormData) => Promise<State>; roles: readonly ConsoleRole[] }) {
  const [state, formAction] = useActionState(action, null);
  const outcome = state?.ok ? state.outcome : undefined;

  return (
    <div className="space-y-5">
      <form action={formAction} noValidate>
        <PendingFieldset className="space-y-4">
          <FormError state={state} fields={["email", "role"]} />
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
            <TextField
              name="email"
              label="Email"
              type="email"
              autoComplete="off"
              placeholder="name@example.com"
              defaultValue={typed(state, "email")}
              errors={fieldErrors(state, "email")}
            />
            <SelectField
              name="role"
              label="Role"
              defaultValue={typed(state, "role", roles.includes("viewer") ? "viewer" : roles[0])}
              options={roles.map((r) => ({ value: r, label: r[0]!.toUpperCase() + r.slice(1) }))}
              errors={fieldErrors(state, "role")}
            />
            <div className="sm:pt-[1.625rem]">
              <SubmitButton className="w-full sm:w-auto">Add member</SubmitButton>
            </div>
          </div>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            A person who already has a Gatehouse account joins at once. Anyone else gets an invitation link to create their account.
          </p>
        </PendingFieldset>
      </form>

      {outcome?.kind === "member" ? (
        <Alert tone="success">
          {outcome.name} ({outcome.email}) is now a member with the {outcome.role} role.
        </Alert>
      ) : null}

      {outcome?.kind === "invitation" ? (
        <SecretReveal title={`Invitation link for ${outcome.email}`} value={outcome.link} testId="invitation-link">
          Send this link to {outcome.email} yourself; Gatehouse does not send email. It is shown only now, works once, and expires in 7 days (
          {expiryFormat.format(new Date(outcome.expiresAt))}). Adding the same email again replaces it.
        </SecretReveal>
      ) : null}
    </div>
  );
}
