"use client";

import { useActionState, useEffect, useState } from "react";
import { SelectField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SecretReveal } from "@/components/secret-reveal";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { CreatedToken } from "../actions";

type State = ActionState<{ token: CreatedToken }>;

export function CreateTokenForm({ action, roles }: { action: (prev: State, form: FormData) => Promise<State>; roles: readonly string[] }) {
  const [state, formAction] = useActionState(action, null);
  const [never, setNever] = useState(false);
  const created = state?.ok ? state.token : undefined;

  // A created token resets the form (React clears its fields); the expiry choice goes back to its default too.
  useEffect(() => {
    if (state?.ok) setNever(false);
  }, [state]);

  return (
    <div className="space-y-5">
      <form action={formAction} noValidate>
        <PendingFieldset className="space-y-4">
          <FormError state={state} fields={["name", "role", "expiresInDays"]} />
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_10rem_12rem]">
            <TextField
              name="name"
              idPrefix="token"
              label="Token name"
              placeholder="ci-deploy"
              autoComplete="off"
              maxLength={100}
              defaultValue={typed(state, "name")}
              errors={fieldErrors(state, "name")}
              hint="Say where it is used, so you know what breaks when you revoke it."
            />
            <SelectField
              name="role"
              idPrefix="token"
              label="Role"
              defaultValue={typed(state, "role", "admin")}
              options={roles.map((r) => ({ value: r, label: r[0]!.toUpperCase() + r.slice(1) }))}
              errors={fieldErrors(state, "role")}
            />
            <div className="space-y-2">
              <TextField
                name="expiresInDays"
                idPrefix="token"
                label="Expires in (days)"
                type="number"
                inputMode="numeric"
                min={1}
                max={365}
                defaultValue={typed(state, "expiresInDays", "90")}
                disabled={never}
                errors={never ? undefined : fieldErrors(state, "expiresInDays")}
              />
              <label className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
                <input
                  type="checkbox"
                  name="neverExpires"
                  checked={never}
                  onChange={(e) => setNever(e.target.checked)}
                  className="size-4 rounded border-zinc-300 accent-indigo-600 dark:border-zinc-600"
                />
                Never expires
              </label>
            </div>
          </div>
          <SubmitButton>Create token</SubmitButton>
        </PendingFieldset>
      </form>

      {created ? (
        <SecretReveal title={`New admin token "${created.name}" (${created.role})`} value={created.secret} testId="token-secret">
          Copy it now: this is the only time it is shown. Gatehouse keeps only a hash. Use it as{" "}
          <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> against <code className="font-mono">/api/v1</code>.
        </SecretReveal>
      ) : null}
    </div>
  );
}
