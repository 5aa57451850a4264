"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { TextAreaField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { buttonStyles, checkboxStyles, linkStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

export type AgentFormAgent = { name: string; description: string; labels: Record<string, string>; roles: string[] };

const FIELDS = ["name", "description", "labels", "roles"];

/** Field errors under a prefix (`labels.env` → the labels field), joined for one field. */
function errorsUnder(state: ActionState, name: string): string[] | undefined {
  if (!state || state.ok || !state.fields) return undefined;
  const messages = Object.entries(state.fields)
    .filter(([k]) => k === name || k.startsWith(`${name}.`))
    .flatMap(([k, msgs]) => (k === name ? msgs : msgs.map((m) => `${k.slice(name.length + 1)}: ${m}`)));
  return messages.length ? messages : undefined;
}

/**
 * Creates an agent (no `agent`) or edits one: name, description, labels as
 * key=value lines, and the access roles it holds as checkboxes.
 */
export function AgentForm({
  action,
  agent,
  roles,
  rolesHref,
  cancelHref,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  agent?: AgentFormAgent;
  roles: Array<{ name: string; description: string; ruleCount: number }>;
  rolesHref: string;
  cancelHref?: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const failed = state && !state.ok;
  const chosen = new Set(failed ? (state.values?.roles ?? "").split("\n").filter(Boolean) : (agent?.roles ?? []));
  const labelErrors = errorsUnder(state, "labels");
  const roleErrors = fieldErrors(state, "roles");
  const labelsText = agent ? Object.entries(agent.labels).map(([k, v]) => `${k}=${v}`).join("\n") : "";

  return (
    <form action={formAction} noValidate>
      {/* A failed submit remounts the fields with what was typed (checkboxes included). */}
      <PendingFieldset key={failed ? JSON.stringify(state.values) : "initial"} className="space-y-5">
        <FormError state={state} fields={FIELDS} />
        {state?.ok ? <Alert tone="success">Saved.</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="name"
            idPrefix="agent"
            label="Name"
            placeholder="support-bot"
            autoComplete="off"
            maxLength={64}
            defaultValue={typed(state, "name", agent?.name ?? "")}
            errors={fieldErrors(state, "name")}
            hint="Shown in the audit log with every call it makes."
          />
          <TextField
            name="description"
            idPrefix="agent"
            label="Description"
            placeholder="Answers customer tickets"
            autoComplete="off"
            maxLength={500}
            defaultValue={typed(state, "description", agent?.description ?? "")}
            errors={fieldErrors(state, "description")}
          />
        </div>
        <TextAreaField
          name="labels"
          idPrefix="agent"
          label="Labels"
          rows={3}
          spellCheck={false}
          placeholder={"team=support\nenv=prod"}
          className="[&_textarea]:font-mono"
          defaultValue={typed(state, "labels", labelsText)}
          errors={labelErrors}
          hint="Optional. One key=value per line; keys use lowercase letters, digits and . _ / -."
        />
        <fieldset aria-describedby={roleErrors ? "agent-roles-error" : "agent-roles-hint"}>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Access roles</legend>
          <p id="agent-roles-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            What the agent may use. With no role it sees no tools at all (deny by default).
          </p>
          {roles.length === 0 ? (
            <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
              No roles yet.{" "}
              <Link href={rolesHref} className={linkStyles}>
                Create a role
              </Link>{" "}
              first, or add it to the agent later.
            </p>
          ) : (
            <ul className="mt-3 grid gap-2 sm:grid-cols-2">
              {roles.map((r) => (
                <li key={r.name}>
                  <label className="flex cursor-pointer items-start gap-2.5 rounded-md border border-zinc-200 px-3 py-2 text-sm hover:bg-zinc-50 has-checked:border-indigo-400 has-checked:bg-indigo-50/50 dark:border-zinc-800 dark:hover:bg-zinc-800/40 dark:has-checked:border-indigo-600 dark:has-checked:bg-indigo-950/30">
                    <input type="checkbox" name="roles" value={r.name} defaultChecked={chosen.has(r.name)} className={`${checkboxStyles} mt-0.5`} />
                    <span className="min-w-0">
                      <span className="block font-medium text-zinc-900 dark:text-zinc-100">{r.name}</span>
                      <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">
                        {r.description || `${r.ruleCount} ${r.ruleCount === 1 ? "rule" : "rules"}`}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          {roleErrors ? (
            <p id="agent-roles-error" className="mt-2 text-xs font-medium text-red-600 dark:text-red-400">
              {roleErrors.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <div className="flex items-center gap-3">
          <SubmitButton>{agent ? "Save agent" : "Create agent"}</SubmitButton>
          {cancelHref ? (
            <Link href={cancelHref} className={buttonStyles.ghost}>
              Cancel
            </Link>
          ) : null}
        </div>
      </PendingFieldset>
    </form>
  );
}
