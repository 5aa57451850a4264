"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SecretReveal } from "@/components/secret-reveal";
import { checkboxStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { SavedWebhookState } from "../actions";

/** Creates the webhook or changes its URL and enabled state; shows the signing secret once, on creation. */
export function WebhookForm({
  action,
  webhook,
}: {
  action: (prev: SavedWebhookState, form: FormData) => Promise<SavedWebhookState>;
  webhook: { url: string; enabled: boolean } | null;
}) {
  const [state, formAction] = useActionState(action, null);
  const secret = state?.ok ? state.secret : undefined;
  const enabled = state && !state.ok ? state.values?.enabled === "on" : (webhook?.enabled ?? true);

  return (
    <div className="space-y-5">
      {/* Keyed by what is stored, so a save elsewhere (another tab, the API) shows once the page refreshes. */}
      <form key={`${webhook?.url}|${webhook?.enabled}`} action={formAction} noValidate>
        <PendingFieldset className="space-y-4">
          <FormError state={state} fields={["url"]} />
          {state?.ok && !secret ? <Alert tone="success">Saved.</Alert> : null}
          <TextField
            name="url"
            idPrefix="webhook"
            label="Endpoint URL"
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://hooks.example.com/gatehouse"
            maxLength={2048}
            defaultValue={typed(state, "url", webhook?.url ?? "")}
            errors={fieldErrors(state, "url")}
            hint="An https:// address that answers a POST with a 2xx status within 10 seconds."
            className="sm:max-w-xl"
          />
          <label className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
            <input type="checkbox" name="enabled" defaultChecked={enabled} className={checkboxStyles} />
            Enabled: send events to this URL (disabling drops deliveries not yet sent)
          </label>
          <SubmitButton>{webhook ? "Save webhook" : "Create webhook"}</SubmitButton>
        </PendingFieldset>
      </form>

      {secret ? (
        <SecretReveal title="Webhook signing secret" value={secret} testId="webhook-secret">
          Copy it now: this is the only time it is shown. Your receiver uses it to check the{" "}
          <code className="font-mono">Gatehouse-Signature</code> header of every delivery.
        </SecretReveal>
      ) : null}
    </div>
  );
}
