"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";
import { SelectField, TextField } from "@/components/field";
import { buttonStyles } from "@/components/styles";
import { approvalActions } from "@/lib/approvals/actions";
import type { AuditFilterValues } from "./filter-names";

/** What an event records: an agent request, a change of an approval request, and the rest by kind. */
const KINDS = [
  { value: "agent", label: "Agent requests" },
  { value: "approval", label: "Approval changes" },
  { value: "admin", label: "Administrative changes" },
  { value: "sign_in", label: "Sign-ins" },
];

/** Suggestions for the action field: the approval actions, and every change of a kind of target. */
const ACTION_SUGGESTIONS = [
  "mcp.request",
  ...approvalActions,
  ...["server", "role", "rule", "agent", "key", "member", "token", "settings", "audit"].map((t) => `${t}.*`),
  "auth.signed_in",
  "auth.sign_in_failed",
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
      <div className="mb-5 flex flex-col gap-3 sm:flex-row sm:items-end">
        <TextField
          name="q"
          idPrefix="audit"
          label="Search"
          type="search"
          className="min-w-0 flex-1"
          placeholder="An order id, an email, words from the arguments or result…"
          autoComplete="off"
          spellCheck={false}
          defaultValue={values.q}
          errors={errors?.q}
          hint={
            <>
              Whole words over arguments, results, tool, error, reason and comment: <span className="font-mono">ORD-93817</span>,{" "}
              <span className="font-mono">&quot;two words&quot;</span> for a phrase, <span className="font-mono">-word</span> to leave out.
            </>
          }
        />
        <button type="submit" className={`${buttonStyles.primary} sm:mb-6`} disabled={pending}>
          Search
        </button>
      </div>
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
        <TextField
          name="member"
          idPrefix="audit"
          label="Member"
          placeholder="Name, email or usr_…"
          autoComplete="off"
          spellCheck={false}
          defaultValue={values.member}
          errors={errors?.member}
          hint="Who changed, decided or signed in."
        />
        <SelectField name="kind" idPrefix="audit" label="Kind of event" defaultValue={values.kind} options={[any("Every kind"), ...KINDS]} errors={errors?.kind} />
        <TextField
          name="action"
          idPrefix="audit"
          label="Action"
          list="audit-actions"
          placeholder="e.g. server.* or approval.approved"
          autoComplete="off"
          spellCheck={false}
          defaultValue={values.action}
          errors={errors?.action}
          hint="Ending in .* matches every action that starts so."
        />
        <datalist id="audit-actions">
          {ACTION_SUGGESTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
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
        <TextField name="minLatencyMs" idPrefix="audit" label="Latency at least (ms)" type="number" min={0} step={1} inputMode="numeric" placeholder="0" defaultValue={values.minLatencyMs} errors={errors?.minLatencyMs} />
        <TextField name="maxLatencyMs" idPrefix="audit" label="Latency at most (ms)" type="number" min={0} step={1} inputMode="numeric" placeholder="any" defaultValue={values.maxLatencyMs} errors={errors?.maxLatencyMs} hint="Total time of the request, in milliseconds." />
        <SelectField
          name="severity"
          idPrefix="audit"
          label="Severity"
          defaultValue={values.severity}
          options={[any("Any severity"), { value: "alert", label: "Alerts only" }]}
          errors={errors?.severity}
        />
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
