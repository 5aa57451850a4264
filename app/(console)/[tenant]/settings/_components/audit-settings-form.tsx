"use client";

import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/alert";
import { TextAreaField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { checkboxStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

export type AuditSettingsValues = {
  failOpen: boolean;
  resultMaxBytes: number;
  fullPayloads: boolean;
  retentionDays: number | null;
  redaction: { detectors: string[]; fieldRules: { path: string; reason?: string }[] };
};

export const DETECTOR_LABELS: Record<string, string> = {
  email: "Email addresses",
  phone: "Phone numbers",
  card: "Payment card numbers (Luhn-checked)",
  iban: "IBANs (checksum-checked)",
};

/** The field rules as the form edits them: one per line, the path and then an optional reason. */
export const fieldRulesText = (rules: AuditSettingsValues["redaction"]["fieldRules"]) => rules.map((r) => (r.reason ? `${r.path} ${r.reason}` : r.path)).join("\n");

const FIELDS = ["failOpen", "resultMaxBytes", "fullPayloads", "retentionDays", "detectors", "fieldRules"];

/** How the audit log records agent requests: redaction, stored result size, retention, full payloads, fail-open. */
export function AuditSettingsForm({ action, settings }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; settings: AuditSettingsValues }) {
  const [state, formAction] = useActionState(action, null);
  const failed = state && !state.ok ? state.values : undefined;
  const checked = (name: "failOpen" | "fullPayloads") => (failed ? failed[name] === "on" : settings[name]);
  const detectors = failed ? (failed.detectors ?? "").split(",").filter(Boolean) : settings.redaction.detectors;
  const detectorErrors = fieldErrors(state, "detectors");

  return (
    <form key={JSON.stringify(settings)} action={formAction} noValidate>
      <PendingFieldset className="space-y-5">
        <FormError state={state} fields={FIELDS} />
        {state?.ok ? <Alert tone="success">Saved. New requests are recorded this way from now on.</Alert> : null}

        <fieldset className="space-y-2" aria-describedby={detectorErrors ? "audit-detectors-error" : undefined}>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Mask personal data</legend>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Secrets (provider API keys and tokens, JWTs, private keys, passwords in URLs and in fields such as <code className="font-mono">password</code>)
            are always masked before anything is stored.
          </p>
          {Object.entries(DETECTOR_LABELS).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
              <input type="checkbox" name="detectors" value={value} defaultChecked={detectors.includes(value)} className={checkboxStyles} />
              {label}
            </label>
          ))}
          {detectorErrors ? (
            <p id="audit-detectors-error" className="text-xs font-medium text-red-600 dark:text-red-400">
              {detectorErrors.join(" ")}
            </p>
          ) : null}
        </fieldset>

        <TextAreaField
          name="fieldRules"
          idPrefix="audit"
          label="Field rules"
          rows={4}
          spellCheck={false}
          className="sm:max-w-xl"
          placeholder={"args.password\nargs.customer.ssn social security number\nresult.content[*].text"}
          defaultValue={typed(state, "fieldRules", fieldRulesText(settings.redaction.fieldRules))}
          errors={fieldErrors(state, "fieldRules")}
          hint="One per line: a JSON path under args or result (.name, [0], [*]), then optionally a reason. The whole value there is masked. At most 50."
        />

        <div className="grid gap-4 sm:grid-cols-2 sm:max-w-xl">
          <TextField
            name="resultMaxBytes"
            idPrefix="audit"
            label="Stored result size (bytes)"
            type="number"
            inputMode="numeric"
            min={1024}
            max={1048576}
            defaultValue={typed(state, "resultMaxBytes", String(settings.resultMaxBytes))}
            errors={fieldErrors(state, "resultMaxBytes")}
            hint="1024–1048576. Longer results keep a preview, their full size and hash."
          />
          <TextField
            name="retentionDays"
            idPrefix="audit"
            label="Keep events for (days)"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            placeholder="forever"
            defaultValue={typed(state, "retentionDays", settings.retentionDays === null ? "" : String(settings.retentionDays))}
            errors={fieldErrors(state, "retentionDays")}
            hint="1–3650, or empty to keep every event."
          />
        </div>

        <div className="space-y-2">
          <label className="flex items-start gap-2 text-sm text-zinc-700 dark:text-zinc-300">
            <input type="checkbox" name="fullPayloads" defaultChecked={checked("fullPayloads")} className={`${checkboxStyles} mt-0.5`} />
            <span>
              Keep full payloads: the unredacted arguments and results, sealed. Only owners and auditors can open them, and each opening is audited.
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm text-zinc-700 dark:text-zinc-300">
            <input type="checkbox" name="failOpen" defaultChecked={checked("failOpen")} className={`${checkboxStyles} mt-0.5`} />
            <span>
              Fail open: if a request&apos;s audit event cannot be written, answer it anyway and raise an alert. Off, such a request fails (the default).
            </span>
          </label>
          {fieldErrors(state, "failOpen") ?? fieldErrors(state, "fullPayloads") ? (
            <p className="text-xs font-medium text-red-600 dark:text-red-400">{[...(fieldErrors(state, "failOpen") ?? []), ...(fieldErrors(state, "fullPayloads") ?? [])].join(" ")}</p>
          ) : null}
        </div>

        <SubmitButton>Save audit settings</SubmitButton>
      </PendingFieldset>
    </form>
  );
}

/** The same settings, read-only, for members who may not change them. */
export function AuditSettingsSummary({ settings }: { settings: AuditSettingsValues }) {
  const row = (label: string, value: ReactNode) => (
    <div>
      <dt className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{value}</dd>
    </div>
  );
  const rules = settings.redaction.fieldRules;
  return (
    <dl className="space-y-4">
      {row("Personal data masked", settings.redaction.detectors.length ? settings.redaction.detectors.map((d) => DETECTOR_LABELS[d] ?? d).join(", ") : "None (secrets are always masked)")}
      {row(
        "Field rules",
        rules.length ? (
          <ul className="space-y-0.5 font-mono text-xs">
            {rules.map((r) => (
              <li key={r.path}>
                {r.path}
                {r.reason ? <span className="font-sans text-zinc-500 dark:text-zinc-400"> — {r.reason}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          "None"
        ),
      )}
      {row("Stored result size", `${settings.resultMaxBytes} bytes`)}
      {row("Events kept for", settings.retentionDays === null ? "Forever" : `${settings.retentionDays} days`)}
      {row("Full payloads", settings.fullPayloads ? "Kept, sealed (owners and auditors can open them)" : "Not kept")}
      {row("If an audit event cannot be written", settings.failOpen ? "The request is answered anyway and an alert raised (fail open)" : "The request fails (fail closed)")}
    </dl>
  );
}
