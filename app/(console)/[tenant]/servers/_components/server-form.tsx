"use client";

import Link from "next/link";
import { useActionState, useEffect, useId, useState } from "react";
import { SelectField, TextAreaField, TextField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { buttonStyles, checkboxStyles, inputStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

/** What the form shows of a stored server: never its credentials, only their masked hint. */
export type ServerFormServer = {
  name: string;
  description: string;
  tags: string[];
  transport: string;
  url: string | null;
  namespace: string;
  auth: { kind: string; hint: string | null };
  timeoutMs: number;
  source: "tenant" | "platform";
};

const FIELDS = ["name", "description", "tags", "transport", "url", "namespace", "timeoutMs", "enabled", "auth", "auth.kind", "auth.token", "auth.headers"];

const TRANSPORTS = [
  { value: "streamable_http", label: "Streamable HTTP" },
  { value: "sse", label: "HTTP + SSE (legacy)" },
];

const AUTH_KINDS = [
  { value: "none", label: "None", hint: "The server needs no credentials." },
  { value: "bearer", label: "Bearer token", hint: "Sent as Authorization: Bearer …" },
  { value: "headers", label: "Custom headers", hint: "For API keys in headers such as X-Api-Key." },
] as const;

type Row = { id: number; name: string; value: string };

/** Errors under `auth…` (the kind, the token, each header), for the credentials section. */
function authErrors(state: ActionState): string[] | undefined {
  if (!state || state.ok || !state.fields) return undefined;
  const messages = Object.entries(state.fields)
    .filter(([k]) => k === "auth" || k.startsWith("auth."))
    .flatMap(([k, msgs]) => {
      const header = k.startsWith("auth.headers.") ? k.slice("auth.headers.".length) : "";
      return header ? msgs.map((m) => `${header}: ${m}`) : msgs;
    });
  return messages.length ? messages : undefined;
}

/**
 * Registers a server (no `server`) or edits one. Platform servers show their
 * connection read-only. Credentials are write-only: on edit an empty token or
 * no header rows keeps what is stored.
 */
export function ServerForm({
  action,
  server,
  cancelHref,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  server?: ServerFormServer;
  cancelHref: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const editing = Boolean(server);
  const platform = server?.source === "platform";
  const storedKind = server?.auth.kind ?? "none";
  const [authKind, setAuthKind] = useState(storedKind);
  const [token, setToken] = useState("");
  const [rows, setRows] = useState<Row[]>([{ id: 0, name: "", value: "" }]);
  const [nextId, setNextId] = useState(1);
  const authId = useId();
  const authErrorId = `${authId}-error`;
  const errorsOfAuth = authErrors(state);

  const keeps = editing && authKind === storedKind && storedKind !== "none";

  // React resets the form after each submit, and a reset puts radios back to
  // their first-rendered choice (text inputs keep their controlled values).
  // Remounting the radios after each answer shows the kind still chosen.
  const [answers, setAnswers] = useState(0);
  useEffect(() => {
    if (state) setAnswers((n) => n + 1);
  }, [state]);

  return (
    <form action={formAction} noValidate>
      <PendingFieldset className="space-y-8">
        <FormError state={state} fields={FIELDS} />

        <fieldset className="space-y-4">
          <legend className="mb-1 text-sm font-semibold text-zinc-900 dark:text-zinc-100">About</legend>
          <div className="grid gap-4 sm:grid-cols-2">
            {editing ? (
              <div className="space-y-1.5">
                <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Name</p>
                <p className="font-mono text-sm text-zinc-700 dark:text-zinc-300">{server!.name}</p>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">Roles refer to the server by this name; it cannot be changed.</p>
              </div>
            ) : (
              <TextField
                name="name"
                label="Name"
                placeholder="github"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={32}
                defaultValue={typed(state, "name")}
                errors={fieldErrors(state, "name")}
                hint="Lowercase letters, digits and hyphens. Roles refer to the server by this name."
              />
            )}
            <TextField
              name="tags"
              label="Tags"
              placeholder="prod, source-control"
              autoComplete="off"
              defaultValue={typed(state, "tags", server?.tags.join(", ") ?? "")}
              errors={fieldErrors(state, "tags")}
              hint="Optional, separated by commas."
            />
          </div>
          <TextAreaField
            name="description"
            label="Description"
            rows={2}
            maxLength={500}
            defaultValue={typed(state, "description", server?.description ?? "")}
            errors={fieldErrors(state, "description")}
            hint="What it is for, so whoever writes access roles knows."
          />
        </fieldset>

        <fieldset className="space-y-4 border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <legend className="sr-only">Connection</legend>
          <p aria-hidden="true" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            Connection
          </p>
          {platform ? (
            <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2.5 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              The platform operator declares how this server is reached; here you can change its description, tags and timeout, and enable or disable it.
            </p>
          ) : (
            <>
              <div className="grid gap-4 sm:grid-cols-[12rem_minmax(0,1fr)]">
                <SelectField
                  name="transport"
                  label="Transport"
                  options={TRANSPORTS}
                  defaultValue={typed(state, "transport", server?.transport ?? "streamable_http")}
                  errors={fieldErrors(state, "transport")}
                />
                <TextField
                  name="url"
                  label="URL"
                  type="url"
                  inputMode="url"
                  placeholder="https://mcp.example.com/mcp"
                  autoComplete="off"
                  spellCheck={false}
                  defaultValue={typed(state, "url", server?.url ?? "")}
                  errors={fieldErrors(state, "url")}
                />
              </div>
              <TextField
                name="namespace"
                label="Namespace"
                placeholder={server?.name ?? "same as the name"}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={32}
                className="sm:w-80"
                defaultValue={typed(state, "namespace", server && server.namespace !== server.name ? server.namespace : "")}
                errors={fieldErrors(state, "namespace")}
                hint={
                  <>
                    Agents see tools as <span className="font-mono">namespace__tool</span>. Leave empty to use the server name.
                    {editing ? " Changing it renames the tools agents see." : ""}
                  </>
                }
              />
            </>
          )}
          <TextField
            name="timeoutMs"
            label="Timeout (ms)"
            type="number"
            inputMode="numeric"
            min={1000}
            max={300000}
            step={1000}
            className="sm:w-48"
            defaultValue={typed(state, "timeoutMs", String(server?.timeoutMs ?? 30000))}
            errors={fieldErrors(state, "timeoutMs")}
            hint="How long one request to this server may take."
          />
          {editing ? null : (
            <label className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
              <input type="checkbox" name="enabled" defaultChecked={state && !state.ok ? state.values?.enabled === "on" : true} className={checkboxStyles} />
              Enabled: agents can use it as soon as a role allows them
            </label>
          )}
        </fieldset>

        {platform ? null : (
          <fieldset
            className="space-y-4 border-t border-zinc-200 pt-6 dark:border-zinc-800"
            aria-describedby={errorsOfAuth ? authErrorId : undefined}
          >
            <legend className="sr-only">Credentials</legend>
            <div aria-hidden="true">
              <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Credentials</p>
              <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                Sent by the gateway to this server only, sealed at rest and never shown again. Agents never see them.
              </p>
            </div>
            <div key={answers} role="radiogroup" aria-label="Authentication" className="grid gap-2 sm:grid-cols-3">
              {AUTH_KINDS.map((k) => (
                <label
                  key={k.value}
                  className="flex cursor-pointer items-start gap-2.5 rounded-md border border-zinc-300 px-3 py-2.5 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50/60 dark:border-zinc-700 dark:has-checked:border-indigo-500 dark:has-checked:bg-indigo-950/30"
                >
                  <input
                    type="radio"
                    name="authKind"
                    value={k.value}
                    checked={authKind === k.value}
                    onChange={() => setAuthKind(k.value)}
                    className="mt-0.5 accent-indigo-600"
                  />
                  <span>
                    <span className="block font-medium text-zinc-900 dark:text-zinc-100">{k.label}</span>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{k.hint}</span>
                  </span>
                </label>
              ))}
            </div>

            {keeps && server?.auth.hint ? (
              <p className="text-sm text-zinc-700 dark:text-zinc-300">
                Stored: <span className="font-mono text-xs">{server.auth.hint}</span>.{" "}
                <span className="text-zinc-500 dark:text-zinc-400">Leave the fields below empty to keep it; fill them to replace it.</span>
              </p>
            ) : null}

            {authKind === "bearer" ? (
              <TextField
                name="authToken"
                label="Token"
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={token}
                onChange={(e) => setToken(e.target.value)}
                placeholder={keeps ? "Leave empty to keep the stored token" : undefined}
                className="sm:w-[28rem]"
              />
            ) : null}

            {authKind === "headers" ? (
              <div className="space-y-2">
                <div className="hidden grid-cols-[minmax(0,14rem)_minmax(0,1fr)_auto] gap-2 text-sm font-medium text-zinc-800 sm:grid dark:text-zinc-200">
                  <span aria-hidden="true">Header name</span>
                  <span aria-hidden="true">Value</span>
                  <span className="w-20" />
                </div>
                {rows.map((row, i) => (
                  <div key={row.id} className="grid gap-2 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_auto]">
                    <input
                      name="headerName"
                      aria-label={`Header ${i + 1} name`}
                      placeholder="X-Api-Key"
                      autoComplete="off"
                      spellCheck={false}
                      value={row.name}
                      onChange={(e) => setRows(rows.map((r) => (r.id === row.id ? { ...r, name: e.target.value } : r)))}
                      className={inputStyles(false)}
                    />
                    <input
                      name="headerValue"
                      type="password"
                      aria-label={`Header ${i + 1} value`}
                      autoComplete="off"
                      spellCheck={false}
                      value={row.value}
                      onChange={(e) => setRows(rows.map((r) => (r.id === row.id ? { ...r, value: e.target.value } : r)))}
                      className={inputStyles(false)}
                    />
                    <button
                      type="button"
                      className={`${buttonStyles.small} w-20`}
                      aria-label={`Remove header ${i + 1}`}
                      disabled={rows.length === 1 && row.name === "" && row.value === ""}
                      onClick={() => setRows(rows.length === 1 ? [{ ...row, name: "", value: "" }] : rows.filter((r) => r.id !== row.id))}
                    >
                      Remove
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  className={buttonStyles.small}
                  disabled={rows.length >= 20}
                  onClick={() => {
                    setRows([...rows, { id: nextId, name: "", value: "" }]);
                    setNextId(nextId + 1);
                  }}
                >
                  Add header
                </button>
                {keeps ? <p className="text-xs text-zinc-500 dark:text-zinc-400">Headers given here replace all stored headers.</p> : null}
              </div>
            ) : null}

            {errorsOfAuth ? (
              <p id={authErrorId} className="text-xs font-medium text-red-600 dark:text-red-400">
                {errorsOfAuth.join(" ")}
              </p>
            ) : null}
          </fieldset>
        )}

        <div className="flex items-center gap-3 border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <SubmitButton>{editing ? "Save changes" : "Register server"}</SubmitButton>
          <Link href={cancelHref} className={buttonStyles.ghost}>
            Cancel
          </Link>
          {editing ? null : <span className="text-xs text-zinc-500 dark:text-zinc-400">Gatehouse connects once to load its tools.</span>}
        </div>
      </PendingFieldset>
    </form>
  );
}
