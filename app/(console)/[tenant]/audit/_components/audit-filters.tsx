"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";
import { SelectField, TextField } from "@/components/field";
import { buttonStyles } from "@/components/styles";
import { approvalActions } from "@/lib/approvals/actions";

export type AuditFilterValues = Record<"agent" | "server" | "tool" | "method" | "action" | "outcome" | "decision" | "approval" | "from" | "to", string>;

/** What an event records: an agent request, or a change of an approval request. */
const ACTIONS = [
  { value: "mcp.request", label: "Agent request" },
  ...approvalActions.map((a) => ({ value: a, label: `Approval ${a.slice("approval.".length)}` })),
];

const any = (label: string) => ({ value: "", label });

/**
 * The audit log's filters as a GET form, so a filtered view is a URL to share.
 * With JavaScript the empty fields are left out of the URL and the page
 * updates without a full reload; without it the form still works.
 */
export function AuditFilters({
  path,
  values,
  agents,
  servers,
  methods,
  errors,
}: {
  path: string;
  values: AuditFilterValues;
  agents: string[];
  servers: string[];
  methods: string[];
  errors?: Record<string, string[]>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const withCurrent = (list: string[], current: string) => (current && !list.includes(current) ? [...list, current] : list);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(e.currentTarget)) {
      if (typeof value === "string" && value.trim() !== "") params.set(key, value.trim());
    }
    const query = params.toString();
    startTransition(() => router.push(query ? `${path}?${query}` : path));
  }

  return (
    <form method="get" action={path} onSubmit={onSubmit} key={JSON.stringify(values)} aria-label="Audit filters" aria-busy={pending || undefined}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField name="agent" idPrefix="audit" label="Agent" list="audit-agents" placeholder="Any agent" autoComplete="off" defaultValue={values.agent} errors={errors?.agent} />
        <datalist id="audit-agents">
          {agents.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <SelectField
          name="server"
          idPrefix="audit"
          label="Server"
          defaultValue={values.server}
          options={[any("Any server"), ...withCurrent(servers, values.server).map((s) => ({ value: s, label: s }))]}
          errors={errors?.server}
        />
        <TextField name="tool" idPrefix="audit" label="Tool" placeholder="e.g. create_issue" autoComplete="off" spellCheck={false} defaultValue={values.tool} errors={errors?.tool} hint="The upstream tool's name." />
        <SelectField
          name="method"
          idPrefix="audit"
          label="Method"
          defaultValue={values.method}
          options={[any("Any method"), ...withCurrent(methods, values.method).map((m) => ({ value: m, label: m }))]}
          errors={errors?.method}
        />
        <SelectField
          name="action"
          idPrefix="audit"
          label="Event"
          defaultValue={values.action}
          options={[any("Any event"), ...ACTIONS]}
          errors={errors?.action}
        />
        <SelectField
          name="outcome"
          idPrefix="audit"
          label="Outcome"
          defaultValue={values.outcome}
          options={[any("Any outcome"), { value: "ok", label: "OK" }, { value: "error", label: "Error" }, { value: "denied", label: "Denied" }, { value: "pending", label: "Waiting for approval" }]}
          errors={errors?.outcome}
        />
        <SelectField
          name="decision"
          idPrefix="audit"
          label="Decision"
          defaultValue={values.decision}
          options={[any("Any decision"), { value: "allowed", label: "Allowed" }, { value: "denied", label: "Denied" }, { value: "approval_required", label: "Needs approval" }, { value: "none", label: "None (no policy check)" }]}
          errors={errors?.decision}
        />
        <TextField name="approval" idPrefix="audit" label="Approval" placeholder="apr_…" autoComplete="off" spellCheck={false} defaultValue={values.approval} errors={errors?.approval} hint="Everything about one approval request." />
        <TextField name="from" idPrefix="audit" label="From (UTC)" type="datetime-local" defaultValue={values.from} errors={errors?.from} />
        <TextField name="to" idPrefix="audit" label="To (UTC)" type="datetime-local" defaultValue={values.to} errors={errors?.to} />
      </div>
      <div className="mt-4 flex items-center gap-3">
        <button type="submit" className={buttonStyles.primary} disabled={pending}>
          Apply filters
        </button>
        <Link href={path} className={buttonStyles.ghost}>
          Clear
        </Link>
        {pending ? (
          <span role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
            Loading…
          </span>
        ) : null}
      </div>
    </form>
  );
}
