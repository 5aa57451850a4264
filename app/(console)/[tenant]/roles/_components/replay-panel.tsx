"use client";

import { useId, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/alert";
import { Badge } from "@/components/badge";
import { formatTimestamp } from "@/components/dates";
import { buttonStyles, inputStyles } from "@/components/styles";
import type { ActionState } from "@/lib/actions";
import type { RuleInput } from "@/lib/policy/schemas";
import type { Replay, ReplayInput } from "@/lib/policy/replay";
import { DecisionLine, EffectBadge } from "./decision-view";
import { draftErrors } from "./simulate-support";

const th = "py-1.5 pr-3 font-medium";
const td = "py-1.5 pr-3 align-top";

/** Column names of the panel's compact tables. */
function CompactHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr className="tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        {columns.map((c) => (
          <th key={c} scope="col" className={th}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * "Replay": the tenant's recent audited tool calls decided again under the
 * draft, listing the ones whose decision would change.
 */
export function ReplayPanel({ draft, replay, roleName }: { draft: RuleInput[]; replay: (input: ReplayInput) => Promise<ActionState<{ replay: Replay }>>; roleName: string }) {
  const id = useId();
  const [limit, setLimit] = useState("100");
  const [state, setState] = useState<ActionState<{ replay: Replay }>>(null);
  const [pending, startTransition] = useTransition();
  const limitErrors = state && !state.ok ? state.fields?.limit : undefined;
  const { rules: ruleErrors } = draftErrors(state, ["limit"]);

  function submit(e: FormEvent) {
    e.preventDefault();
    startTransition(async () => setState(await replay({ rules: draft, limit: Number(limit) })));
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Decides the tenant&apos;s most recent tool calls again, as the gateway would now, with the draft in place of {roleName}&apos;s saved rules, and lists
        the calls whose decision would differ from the one recorded. Each call keeps its time, arguments and client, and sees its session&apos;s earlier
        calls as the audit log recorded them; the agent&apos;s other roles, its labels and the tool catalog are today&apos;s. The draft applies only to
        agents that hold {roleName} now: other agents&apos; calls are decided by their saved rules, so a change there is not the draft&apos;s. Calls
        whose arguments were too large to store, or whose agent or tool is gone, are skipped.
      </p>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3" aria-label="Replay audited calls">
        <div className="space-y-1.5">
          <label htmlFor={`${id}-limit`} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            Number of calls
          </label>
          <input
            id={`${id}-limit`}
            type="number"
            min={1}
            max={500}
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            aria-invalid={limitErrors ? true : undefined}
            aria-describedby={limitErrors ? `${id}-limit-error` : `${id}-limit-hint`}
            className={`${inputStyles(Boolean(limitErrors))} w-28`}
          />
        </div>
        <button type="submit" className={buttonStyles.secondary} disabled={pending} aria-busy={pending || undefined}>
          Replay
        </button>
        <p id={`${id}-limit-hint`} className="basis-full text-xs text-zinc-500 dark:text-zinc-400">
          The latest 1 to 500 tools/call requests of the tenant. Nothing is called or saved.
        </p>
        {limitErrors ? (
          <p id={`${id}-limit-error`} className="basis-full text-xs font-medium text-red-600 dark:text-red-400">
            {limitErrors.join(" ")}
          </p>
        ) : null}
      </form>

      {state && !state.ok && !limitErrors ? (
        <Alert tone="error" title={ruleErrors.length ? "Fix the draft rules first" : undefined}>
          {ruleErrors.length ? ruleErrors.join(" ") : state.error}
        </Alert>
      ) : null}
      {state?.ok ? <ReplayResult replay={state.replay} /> : null}
    </div>
  );
}

function ReplayResult({ replay: r }: { replay: Replay }) {
  const c = r.counts;
  return (
    <section aria-label="Replay result" className="space-y-4" data-testid="replay-result">
      <div role="status" className="space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
        {c.events === 0 ? (
          <p>The audit log has no tool calls yet.</p>
        ) : (
          <>
            <p>
              Replayed <strong>{c.evaluated}</strong> of the last {c.events} calls
              {r.from && r.to ? ` (${formatTimestamp(new Date(r.from))} to ${formatTimestamp(new Date(r.to))} UTC)` : ""}:{" "}
              <strong>{c.changed}</strong> would be decided differently ({c.changedByDraft} because of this draft), {c.unchanged} the same
              {c.skipped ? `, ${c.skipped} skipped` : ""}.
              {c.notHoldingRole ? ` ${c.notHoldingRole} of the replayed calls are by agents that do not hold this role; the draft does not apply to them.` : ""}
            </p>
            {r.transitions.length ? (
              <ul className="flex flex-wrap gap-2" aria-label="Changes by kind">
                {r.transitions.map((t) => (
                  <li key={`${t.from}-${t.to}`} className="flex items-center gap-1 text-xs">
                    {t.count} × <EffectBadge effect={t.from} /> → <EffectBadge effect={t.to} />
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
      </div>

      {r.changes.length ? (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[48rem] border-collapse text-left text-xs">
            <caption className="mb-2 text-left text-sm font-medium text-zinc-900 dark:text-zinc-100">Decisions that would change</caption>
            <CompactHead columns={["Time (UTC)", "Agent", "Tool", "Recorded", "Draft", "Why"]} />
            <tbody>
              {r.changes.map((x) => (
                <tr key={x.eventId} data-event={x.eventId} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatTimestamp(new Date(x.at))}</td>
                  <td className={td}>{x.agent.name ?? x.agent.id}</td>
                  <td className={`${td} font-mono`}>{x.tool}</td>
                  <td className={td}>
                    <EffectBadge effect={x.recorded.effect} />
                    {x.recorded.rule ? <span className="ml-1 font-mono text-zinc-500">{x.recorded.rule}</span> : null}
                  </td>
                  <td className={td}>
                    <DecisionLine decision={x.draft} />
                  </td>
                  <td className={`${td} max-w-md`}>
                    {x.draft.reason}
                    {x.byDraft ? null : (
                      <span className="mt-0.5 block">
                        <Badge tone="neutral">{x.holdsRole ? "same under the saved rules" : "agent does not hold this role"}</Badge>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : c.evaluated ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No replayed decision would change.</p>
      ) : null}

      {r.skipped.length ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-sm text-zinc-700 dark:text-zinc-300">Skipped calls ({r.skipped.length})</summary>
          <table className="mt-2 w-full min-w-[36rem] border-collapse text-left">
            <caption className="sr-only">Skipped calls</caption>
            <CompactHead columns={["Time (UTC)", "Agent", "Tool", "Why skipped"]} />
            <tbody>
              {r.skipped.map((x) => (
                <tr key={x.eventId} data-skipped-event={x.eventId} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatTimestamp(new Date(x.at))}</td>
                  <td className={td}>{x.agent.name ?? x.agent.id}</td>
                  <td className={`${td} font-mono`}>{x.tool}</td>
                  <td className={td}>{x.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
}
