"use client";

import { useActionState, useEffect } from "react";
import { TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SecretReveal } from "@/components/secret-reveal";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { IssuedKey } from "../actions";
import { useIssuedKey } from "./issued-key";

type State = ActionState<{ issued: IssuedKey }>;

const expiryFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export function IssueKeyForm({ action }: { action: (prev: State, form: FormData) => Promise<State> }) {
  const [state, formAction] = useActionState(action, null);
  const { setSecret } = useIssuedKey();
  const issued = state?.ok ? state.issued : undefined;

  useEffect(() => {
    if (issued) setSecret(issued.secret);
  }, [issued, setSecret]);

  return (
    <div className="space-y-5">
      <form action={formAction} noValidate>
        <PendingFieldset className="space-y-4">
          <FormError state={state} fields={["name", "expiresInDays"]} />
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
            <TextField
              name="name"
              idPrefix="key"
              label="Key name"
              placeholder="laptop, ci, production"
              autoComplete="off"
              maxLength={64}
              defaultValue={typed(state, "name")}
              errors={fieldErrors(state, "name")}
              hint="Where it is used, so you know what stops when you revoke it."
            />
            <TextField
              name="expiresInDays"
              idPrefix="key"
              label="Expires in (days)"
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              placeholder="Never"
              defaultValue={typed(state, "expiresInDays")}
              errors={fieldErrors(state, "expiresInDays")}
              hint="Empty: never expires."
            />
            <div className="sm:pt-[1.625rem]">
              <SubmitButton className="w-full sm:w-auto">Issue key</SubmitButton>
            </div>
          </div>
        </PendingFieldset>
      </form>

      {issued ? (
        <SecretReveal title={`New key "${issued.name}"`} value={issued.secret} testId="agent-key-secret">
          Copy it now: this is the only time it is shown; Gatehouse keeps only a hash.{" "}
          {issued.expiresAt ? `It expires on ${expiryFormat.format(new Date(issued.expiresAt))}.` : "It does not expire."} The Connect configurations
          below now contain it.
        </SecretReveal>
      ) : null}
    </div>
  );
}
