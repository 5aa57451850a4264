"use client";

import { useActionState } from "react";
import { Alert } from "@/components/alert";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { ServerProbe } from "@/lib/registry/catalog";

type State = ActionState<{ probe: ServerProbe }>;

function List({ title, items }: { title: string; items: Array<{ key: string; name: string; detail?: string }> }) {
  return (
    <div className="min-w-0">
      <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        {title} ({items.length})
      </h4>
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">None</p>
      ) : (
        <ul className="mt-2 max-h-72 space-y-1.5 overflow-y-auto pr-1 text-sm">
          {items.map((item) => (
            <li key={item.key} className="min-w-0">
              <span className="font-mono text-xs text-zinc-900 dark:text-zinc-100">{item.name}</span>
              {item.detail ? <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={item.detail}>{item.detail}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Connects to the server now and shows what it offers, or why it could not. The catalog is refreshed as a side effect. */
export function TestConnection({ action }: { action: (prev: State, form: FormData) => Promise<State> }) {
  const [state, formAction] = useActionState(action, null);
  const probe = state?.ok ? state.probe : undefined;
  return (
    <div className="space-y-4">
      <form action={formAction}>
        <PendingFieldset className="flex flex-wrap items-center gap-3">
          <SubmitButton variant="secondary">Test connection</SubmitButton>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Connects now, lists what the server offers and refreshes the tool catalog.</span>
        </PendingFieldset>
      </form>

      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}

      {probe && !probe.ok ? (
        <Alert tone="error" title={`Could not connect (after ${probe.latencyMs} ms)`}>
          <span data-testid="probe-error">{probe.error}</span>
        </Alert>
      ) : null}

      {probe?.ok ? (
        <div data-testid="probe-result" className="space-y-4">
          <Alert tone="success">
            Connected
            {probe.serverInfo ? (
              <>
                {" "}to <span className="font-mono">{probe.serverInfo.name}</span> {probe.serverInfo.version}
              </>
            ) : null}{" "}
            in {probe.latencyMs} ms: {probe.tools.length} {probe.tools.length === 1 ? "tool" : "tools"}, {probe.resources.length + probe.resourceTemplates.length}{" "}
            {probe.resources.length + probe.resourceTemplates.length === 1 ? "resource" : "resources"}, {probe.prompts.length}{" "}
            {probe.prompts.length === 1 ? "prompt" : "prompts"}.
          </Alert>
          <div className="grid gap-6 md:grid-cols-3">
            <List title="Tools" items={probe.tools.map((t) => ({ key: t.name, name: t.name, detail: t.description }))} />
            <List
              title="Resources"
              items={[
                ...probe.resources.map((r) => ({ key: `r:${r.uri}`, name: r.uri, detail: r.description ?? r.name })),
                ...probe.resourceTemplates.map((r) => ({ key: `t:${r.uriTemplate}`, name: r.uriTemplate, detail: r.description ?? r.name })),
              ]}
            />
            <List title="Prompts" items={probe.prompts.map((p) => ({ key: p.name, name: p.name, detail: p.description }))} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
