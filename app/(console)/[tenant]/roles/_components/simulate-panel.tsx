"use client";

import { useId, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/alert";
import { Badge } from "@/components/badge";
import { cx } from "@/components/cx";
import { buttonStyles, inputStyles, selectStyles, textareaStyles } from "@/components/styles";
import type { ActionState } from "@/lib/actions";
import type { RuleInput } from "@/lib/policy/schemas";
import type { SimulateInput, Simulation } from "@/lib/policy/simulate";
import { approvalText, DecisionLine, EffectBadge } from "./decision-view";
import { draftErrors, zonedToInstant } from "./simulate-support";

export type SimulationChoices = {
  agents: { id: string; name: string; holdsRole: boolean }[];
  tools: { exposedName: string; server: string; name: string }[];
};

const label = "block text-sm font-medium text-zinc-800 dark:text-zinc-200";
const hint = "text-xs text-zinc-500 dark:text-zinc-400";
const errorText = "text-xs font-medium text-red-600 dark:text-red-400";

/**
 * "Test a call": decides one hypothetical tools/call under the draft (the
 * editor's unsaved rules) and shows the decision, the rule that made it, and
 * how every rule of the agent fared.
 */
export function SimulatePanel({
  draft,
  choices,
  simulate,
  roleName,
  editing,
}: {
  draft: RuleInput[];
  choices: SimulationChoices;
  simulate: (input: SimulateInput) => Promise<ActionState<{ simulation: Simulation }>>;
  roleName: string;
  editing: boolean;
}) {
  const id = useId();
  const [agentId, setAgentId] = useState(choices.agents[0]?.id ?? "");
  const [tool, setTool] = useState(choices.tools[0]?.exposedName ?? "");
  const [args, setArgs] = useState("{}");
  const [time, setTime] = useState("");
  const [zone, setZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const [clientName, setClientName] = useState("");
  const [clientVersion, setClientVersion] = useState("");
  const [source, setSource] = useState("");
  const [earlier, setEarlier] = useState("");
  const [state, setState] = useState<ActionState<{ simulation: Simulation }>>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();

  const held = choices.agents.filter((a) => a.holdsRole);
  const others = choices.agents.filter((a) => !a.holdsRole);
  const servers = [...new Set(choices.tools.map((t) => t.server))];
  const fields = { ...(state && !state.ok ? state.fields : {}), ...localErrors };
  const errorsOf = (name: string) => fields[name];
  const { rules: ruleErrors, others: otherErrors } = draftErrors(state, ["agentId", "tool", "arguments", "at", "clientName", "clientVersion", "source", "sessionCalls"]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string[]> = {};
    let at: string | undefined;
    if (time) {
      try {
        at = zonedToInstant(time, zone.trim() || "UTC");
      } catch {
        local.zone = [`"${zone}" is not a time zone; use a name such as Europe/Berlin or UTC.`];
      }
    }
    const sessionCalls = earlier
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [name, decision] = line.split(/\s+/);
        return { tool: name!, decision: (decision ?? "allow").replace(/^require-approval$/, "require_approval") as "allow" };
      });
    setLocalErrors(local);
    if (Object.keys(local).length) return;
    startTransition(async () => {
      setState(
        await simulate({
          rules: draft,
          agentId,
          tool,
          arguments: args,
          at,
          clientName: clientName || undefined,
          clientVersion: clientVersion || undefined,
          source: source || undefined,
          sessionCalls,
        }),
      );
    });
  }

  if (choices.agents.length === 0 || choices.tools.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {choices.agents.length === 0 ? "This tenant has no agents yet." : "No enabled server has tools yet."} Simulating needs an agent and a tool.
      </p>
    );
  }

  const field = (name: string) => ({
    id: `${id}-${name}`,
    "aria-invalid": errorsOf(name) ? true : undefined,
    "aria-describedby": errorsOf(name) ? `${id}-${name}-error` : undefined,
  });
  const errorLine = (name: string) =>
    errorsOf(name) ? (
      <p id={`${id}-${name}-error`} className={errorText}>
        {errorsOf(name)!.join(" ")}
      </p>
    ) : null;

  return (
    <div className="space-y-5">
      <form onSubmit={submit} noValidate className="space-y-4" aria-label="Test a call">
        <fieldset disabled={pending} className="grid min-w-0 gap-4 md:grid-cols-2">
          <div className="space-y-1.5">
            <label htmlFor={`${id}-agentId`} className={label}>
              Calling agent
            </label>
            <select {...field("agentId")} value={agentId} onChange={(e) => setAgentId(e.target.value)} className={selectStyles(Boolean(errorsOf("agentId")))}>
              {held.length ? (
                <optgroup label={`Holding ${roleName}`}>
                  {held.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {others.length ? (
                <optgroup label={`Other agents (as if they held ${roleName})`}>
                  {others.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
            {errorLine("agentId")}
          </div>
          <div className="space-y-1.5">
            <label htmlFor={`${id}-tool`} className={label}>
              Tool to call
            </label>
            <select {...field("tool")} value={tool} onChange={(e) => setTool(e.target.value)} className={cx(selectStyles(Boolean(errorsOf("tool"))), "font-mono")}>
              {servers.map((server) => (
                <optgroup key={server} label={server}>
                  {choices.tools
                    .filter((t) => t.server === server)
                    .map((t) => (
                      <option key={t.exposedName} value={t.exposedName}>
                        {t.exposedName}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
            {errorLine("tool")}
          </div>
          <div className="space-y-1.5 md:col-span-2">
            <label htmlFor={`${id}-arguments`} className={label}>
              Arguments (JSON)
            </label>
            <textarea
              {...field("arguments")}
              value={args}
              onChange={(e) => setArgs(e.target.value)}
              rows={Math.min(Math.max(args.split("\n").length, 2), 10)}
              spellCheck={false}
              className={cx(textareaStyles(Boolean(errorsOf("arguments"))), "font-mono text-xs")}
            />
            {errorLine("arguments")}
          </div>
          <div className="grid gap-2 sm:grid-cols-2">
            <div className="space-y-1.5">
              <label htmlFor={`${id}-at`} className={label}>
                Call time
              </label>
              <input {...field("at")} type="datetime-local" value={time} onChange={(e) => setTime(e.target.value)} className={inputStyles(Boolean(errorsOf("at")))} />
            </div>
            <div className="space-y-1.5">
              <label htmlFor={`${id}-zone`} className={label}>
                Time zone
              </label>
              <input {...field("zone")} value={zone} onChange={(e) => setZone(e.target.value)} autoComplete="off" spellCheck={false} className={inputStyles(Boolean(errorsOf("zone")))} />
            </div>
            <p className={cx(hint, "sm:col-span-2")}>Empty means now. The time is read in this time zone and evaluated as that instant.</p>
            <div className="sm:col-span-2">
              {errorLine("at")}
              {errorLine("zone")}
            </div>
          </div>
          <div className="grid gap-2 sm:grid-cols-2">
            <div className="space-y-1.5">
              <label htmlFor={`${id}-clientName`} className={label}>
                Client name
              </label>
              <input {...field("clientName")} value={clientName} onChange={(e) => setClientName(e.target.value)} placeholder="claude-code" autoComplete="off" className={inputStyles(false)} />
            </div>
            <div className="space-y-1.5">
              <label htmlFor={`${id}-clientVersion`} className={label}>
                Client version
              </label>
              <input {...field("clientVersion")} value={clientVersion} onChange={(e) => setClientVersion(e.target.value)} autoComplete="off" className={inputStyles(false)} />
            </div>
            <div className="space-y-1.5 sm:col-span-2">
              <label htmlFor={`${id}-source`} className={label}>
                Source address
              </label>
              <input {...field("source")} value={source} onChange={(e) => setSource(e.target.value)} placeholder="10.0.0.12" autoComplete="off" className={inputStyles(false)} />
            </div>
          </div>
          <div className="space-y-1.5 md:col-span-2">
            <label htmlFor={`${id}-sessionCalls`} className={label}>
              Earlier calls in the session
            </label>
            <textarea
              {...field("sessionCalls")}
              value={earlier}
              onChange={(e) => setEarlier(e.target.value)}
              rows={2}
              spellCheck={false}
              placeholder={"db__query allow\njira__search deny"}
              className={cx(textareaStyles(Boolean(errorsOf("sessionCalls"))), "font-mono text-xs")}
            />
            <p className={hint}>Optional, for conditions on session.calls: one tool per line, oldest first, with its decision (allow, deny or require_approval; allow if omitted).</p>
            {errorLine("sessionCalls")}
          </div>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonStyles.primary} disabled={pending} aria-busy={pending || undefined}>
            Simulate
          </button>
          <span className={hint}>{editing ? "Tests the rules as the editor shows them, saved or not. Nothing is saved or called." : "Tests the saved rules. Nothing is called."}</span>
        </div>
      </form>

      {state && !state.ok ? (
        <Alert tone="error" title={ruleErrors.length ? "Fix the draft rules first" : undefined}>
          {ruleErrors.length ? ruleErrors.join(" ") : otherErrors.length ? otherErrors.join(" ") : Object.keys(state.fields ?? {}).length ? "Check the fields marked above." : state.error}
        </Alert>
      ) : null}
      {state?.ok ? <SimulationResult simulation={state.simulation} roleName={roleName} /> : null}
    </div>
  );
}

function SimulationResult({ simulation: s, roleName }: { simulation: Simulation; roleName: string }) {
  const changed = s.saved.effect !== s.decision.effect || s.saved.rule !== s.decision.rule;
  return (
    <section aria-label="Simulation result" className="space-y-4 rounded-md border border-zinc-200 p-4 dark:border-zinc-800" data-testid="simulation-result">
      <div className="space-y-2" role="status">
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium text-zinc-900 dark:text-zinc-100">Decision:</span>
          <EffectBadge effect={s.decision.effect} />
          {s.decision.approval ? <span className="text-zinc-700 dark:text-zinc-300">{approvalText(s.decision.approval)}</span> : null}
        </p>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          <span className="font-medium">Decided by</span> <span className="font-mono">{s.decision.rule ?? "no rule"}</span>: {s.decision.reason}.
        </p>
        {s.decision.message ? (
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            <span className="font-medium">The agent is told:</span> {s.decision.message}
          </p>
        ) : null}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {s.agent.name} calling <span className="font-mono">{s.tool.exposedName}</span> at {s.at}.{" "}
          {s.agent.holdsRole ? null : `${s.agent.name} does not hold ${roleName}: this is what would happen if it did. `}
          {s.listed ? "The tool is listed for the agent." : "The tool is hidden from the agent: no rule could let it through."}
        </p>
        <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          Under the saved rules: <DecisionLine decision={s.saved} />
          {changed ? <Badge tone="accent">the draft changes this</Badge> : <span>(same)</span>}
        </p>
      </div>

      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] border-collapse text-left text-xs">
          <caption className="mb-2 text-left text-sm font-medium text-zinc-900 dark:text-zinc-100">How each rule fared</caption>
          <thead>
            <tr className="font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
              <th scope="col" className="py-1.5 pr-3 font-medium">
                Rule
              </th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                Match
              </th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                Effect
              </th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                Matches the tool?
              </th>
              <th scope="col" className="py-1.5 pl-3 font-medium">
                Condition
              </th>
            </tr>
          </thead>
          <tbody>
            {s.trace.length === 0 ? (
              <tr>
                <td colSpan={5} className="border-t border-zinc-100 py-3 text-zinc-500 dark:border-zinc-800">
                  The agent has no rules: everything is denied.
                </td>
              </tr>
            ) : null}
            {s.trace.map((t) => (
              <tr key={t.rule} data-trace-rule={t.rule} className={cx("border-t border-zinc-100 align-top dark:border-zinc-800", t.decisive && "bg-indigo-50/60 dark:bg-indigo-950/30")}>
                <td className="py-1.5 pr-3 whitespace-nowrap">
                  <span className="font-mono">{t.rule}</span> {t.draft ? <Badge tone="accent">draft</Badge> : null} {t.decisive ? <Badge tone="neutral">decided</Badge> : null}
                </td>
                <td className="px-3 py-1.5 font-mono">
                  {t.target} {t.server} · {t.pattern}
                </td>
                <td className="px-3 py-1.5">
                  <EffectBadge effect={t.effect} />
                </td>
                <td className="px-3 py-1.5">{t.matched ? "yes" : "no"}</td>
                <td className="py-1.5 pl-3">
                  {t.condition ? (
                    <>
                      <code className="font-mono break-words">{t.condition}</code>
                      <span className="ml-2">
                        {t.conditionResult === "true" ? (
                          <Badge tone="success">true</Badge>
                        ) : t.conditionResult === "false" ? (
                          <Badge tone="neutral">false</Badge>
                        ) : t.conditionResult === "error" ? (
                          <Badge tone="danger">error</Badge>
                        ) : (
                          <span className="text-zinc-500">not evaluated</span>
                        )}
                      </span>
                      {t.error ? <span className="mt-0.5 block text-red-700 dark:text-red-400">{t.error}</span> : null}
                    </>
                  ) : (
                    <span className="text-zinc-500">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
