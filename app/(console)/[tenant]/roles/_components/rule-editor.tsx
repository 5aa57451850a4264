"use client";

import { Fragment, useActionState, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { Alert } from "@/components/alert";
import { cx } from "@/components/cx";
import { PendingFieldset } from "@/components/pending-fieldset";
import { buttonStyles, inputStyles, selectStyles } from "@/components/styles";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";
import type { RuleInput } from "@/lib/policy/schemas";
import type { CheckCondition } from "./condition-field";
import { RuleDetails } from "./rule-details";
import { inputOf, rowOf, sameRules, type EditorRule, type Row } from "./rule-model";

export type { EditorRule } from "./rule-model";

/** What the page around the editor may do to it: add rules (an example policy). */
export type RuleEditorHandle = { append: (rules: RuleInput[]) => void };

const TARGETS = [
  { value: "tool", label: "Tool" },
  { value: "prompt", label: "Prompt" },
  { value: "resource", label: "Resource" },
] as const;

const PLACEHOLDERS: Record<EditorRule["target"], string> = { tool: "create_*", prompt: "*", resource: "file:///docs/*" };

/** The cell an error key points at: `rules.3.approval.ttlSeconds` → row 3, column approval. */
const ROW_COLUMNS = ["target", "server", "pattern", "effect"] as const;
const DETAIL_COLUMNS = ["condition", "message", "approval"] as const;

/** Errors of one rule (`rules.3.pattern` → row 3, column pattern) and of the list as a whole. */
function splitErrors(state: ActionState) {
  const byCell = new Map<string, string[]>();
  const general: string[] = [];
  if (state && !state.ok) {
    for (const [key, messages] of Object.entries(state.fields ?? {})) {
      const m = /^rules\.(\d+)(?:\.(\w+)(?:\.\w+)*)?$/.exec(key);
      if (m) {
        const cell = `${m[1]}:${m[2] ?? ""}`;
        byCell.set(cell, [...(byCell.get(cell) ?? []), ...messages]);
      } else general.push(...messages);
    }
    if (!state.fields) general.push(state.error);
  }
  return { byCell, general };
}

/**
 * The rules of one role as an editable table: each rule on two lines, its
 * match and effect, then its condition and what the effect needs (a message
 * for deny, approval settings for require_approval). Nothing is saved until
 * "Save rules", which replaces the role's whole list with what the table
 * shows. `onDraftChange` hears every edit (the simulator tests the draft).
 */
export function RuleEditor({
  action,
  rules,
  servers,
  roleName,
  checkCondition,
  onDraftChange,
  ref,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  rules: EditorRule[];
  servers: string[];
  roleName: string;
  checkCondition?: CheckCondition;
  onDraftChange?: (rules: RuleInput[]) => void;
  ref?: Ref<RuleEditorHandle>;
}) {
  const [state, formAction] = useActionState(action, null);
  const nextId = useRef(rules.length);
  const [rows, setRows] = useState<Row[]>(() => rules.map((r, i) => rowOf(r, i)));
  const [focus, setFocus] = useState<string | null>(null);
  const table = useRef<HTMLTableElement>(null);

  // React resets the form after each save, and a reset puts every select back
  // to the option it had when first rendered. Remounting the rows after each
  // answer shows the rules as they are.
  const [answers, setAnswers] = useState(0);
  useEffect(() => {
    if (state) setAnswers((n) => n + 1);
  }, [state]);

  // Keyboard users keep their place when a row moves or disappears.
  useEffect(() => {
    if (!focus) return;
    table.current?.querySelector<HTMLElement>(`[data-focus="${focus}"]`)?.focus();
    setFocus(null);
  }, [focus]);

  const draft = rows.map(inputOf);
  const draftKey = JSON.stringify(draft);
  useEffect(() => {
    onDraftChange?.(JSON.parse(draftKey) as RuleInput[]);
  }, [draftKey, onDraftChange]);

  useImperativeHandle(ref, () => ({
    append: (added) => {
      const start = nextId.current;
      nextId.current += added.length;
      setRows((current) => [...current, ...added.map((r, i) => rowOf(r, start + i))].slice(0, 200));
      setFocus(`pattern-${start}`);
    },
  }));

  const dirty = !sameRules(draft, rules.map((r, i) => inputOf(rowOf(r, i))));
  const serverOptions = ["*", ...servers, ...rows.map((r) => r.server).filter((s) => s !== "*" && !servers.includes(s))].filter((s, i, all) => all.indexOf(s) === i);
  const { byCell, general } = splitErrors(state);
  const errorsAt = (i: number, column: string) => byCell.get(`${i}:${column}`);

  const update = (id: number, patch: Partial<Row>) => setRows((current) => current.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + by, 0, row!);
    setRows(next);
    const target = index + by;
    setFocus(target === 0 || target === rows.length - 1 ? `pattern-${row!.id}` : `${by < 0 ? "up" : "down"}-${row!.id}`);
  };
  const remove = (index: number) => {
    const next = rows.filter((_, i) => i !== index);
    setRows(next);
    setFocus(next.length ? `pattern-${next[Math.min(index, next.length - 1)]!.id}` : "add");
  };
  const discard = () => {
    const start = nextId.current;
    nextId.current += rules.length;
    setRows(rules.map((r, i) => rowOf(r, start + i)));
  };
  const add = () => {
    const id = nextId.current++;
    setRows([...rows, rowOf({ target: "tool", server: servers[0] ?? "*", pattern: "*", effect: "allow", condition: null, message: null, approval: null }, id)]);
    setFocus(`pattern-${id}`);
  };

  return (
    <form action={formAction} noValidate>
      <input type="hidden" name="rules" value={draftKey} />
      <PendingFieldset className="space-y-4">
        {general.length ? <Alert tone="error">{general.join(" ")}</Alert> : null}
        {state && !state.ok && byCell.size ? <Alert tone="error">Check the rules marked below. Nothing was saved.</Alert> : null}
        {state?.ok && !dirty ? <Alert tone="success">Rules saved. Agents holding {roleName} get them on their next request.</Alert> : null}

        <div className="overflow-x-auto">
          <table ref={table} className="w-full min-w-[46rem] border-collapse text-left text-sm">
            <caption className="sr-only">Rules of the role {roleName}</caption>
            <thead>
              <tr className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                <th scope="col" className="w-10 py-2 pr-2 font-medium">
                  #
                </th>
                <th scope="col" className="w-32 px-2 py-2 font-medium">
                  Target
                </th>
                <th scope="col" className="w-44 px-2 py-2 font-medium">
                  Server
                </th>
                <th scope="col" className="px-2 py-2 font-medium">
                  Pattern
                </th>
                <th scope="col" className="w-48 px-2 py-2 font-medium">
                  Effect
                </th>
                <th scope="col" className="w-44 py-2 pl-2 text-right font-medium">
                  <span className="sr-only">Order and removal</span>
                </th>
              </tr>
            </thead>
            <tbody key={answers}>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={6} className="border-t border-zinc-100 py-6 text-center text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                    No rules: agents holding this role get nothing from it.
                  </td>
                </tr>
              ) : null}
              {rows.map((row, i) => {
                const n = i + 1;
                const cellErrors = ROW_COLUMNS.flatMap((c) => errorsAt(i, c) ?? []).concat(errorsAt(i, "") ?? []);
                const errorId = `rule-${row.id}-error`;
                return (
                  <Fragment key={row.id}>
                    <tr data-rule-row={n} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                      <td className="py-2 pr-2 pt-4 font-mono text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{n}</td>
                      <td className="px-2 py-2">
                        <select
                          aria-label={`Rule ${n} target`}
                          value={row.target}
                          onChange={(e) => update(row.id, { target: e.target.value as Row["target"] })}
                          aria-invalid={errorsAt(i, "target") ? true : undefined}
                          className={selectStyles(Boolean(errorsAt(i, "target")))}
                        >
                          {TARGETS.map((t) => (
                            <option key={t.value} value={t.value}>
                              {t.label}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td className="px-2 py-2">
                        <select
                          aria-label={`Rule ${n} server`}
                          value={row.server}
                          onChange={(e) => update(row.id, { server: e.target.value })}
                          aria-invalid={errorsAt(i, "server") ? true : undefined}
                          className={cx(selectStyles(Boolean(errorsAt(i, "server"))), "font-mono")}
                        >
                          {serverOptions.map((s) => (
                            <option key={s} value={s}>
                              {s === "*" ? "* (every server)" : servers.includes(s) ? s : `${s} (not registered)`}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td className="px-2 py-2">
                        <input
                          aria-label={`Rule ${n} pattern`}
                          data-focus={`pattern-${row.id}`}
                          value={row.pattern}
                          placeholder={PLACEHOLDERS[row.target]}
                          autoComplete="off"
                          spellCheck={false}
                          maxLength={512}
                          onChange={(e) => update(row.id, { pattern: e.target.value })}
                          aria-invalid={errorsAt(i, "pattern") ? true : undefined}
                          aria-describedby={cellErrors.length ? errorId : undefined}
                          className={cx(inputStyles(Boolean(errorsAt(i, "pattern"))), "font-mono")}
                        />
                        {cellErrors.length ? (
                          <p id={errorId} className="mt-1 text-xs font-medium text-red-600 dark:text-red-400">
                            {cellErrors.join(" ")}
                          </p>
                        ) : null}
                      </td>
                      <td className="px-2 py-2">
                        <select
                          aria-label={`Rule ${n} effect`}
                          value={row.effect}
                          onChange={(e) => update(row.id, { effect: e.target.value as Row["effect"] })}
                          aria-invalid={errorsAt(i, "effect") ? true : undefined}
                          aria-describedby={cellErrors.length ? errorId : undefined}
                          className={selectStyles(Boolean(errorsAt(i, "effect")))}
                        >
                          <option value="allow">Allow</option>
                          <option value="deny">Deny</option>
                          <option value="require_approval" disabled={row.target !== "tool" && row.effect !== "require_approval"}>
                            {row.target === "tool" ? "Require approval" : "Require approval (tools only)"}
                          </option>
                        </select>
                      </td>
                      <td className="py-2 pl-2">
                        <div className="flex justify-end gap-1.5">
                          <button type="button" data-focus={`up-${row.id}`} className={buttonStyles.small} disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move rule ${n} up`}>
                            ↑
                          </button>
                          <button
                            type="button"
                            data-focus={`down-${row.id}`}
                            className={buttonStyles.small}
                            disabled={i === rows.length - 1}
                            onClick={() => move(i, 1)}
                            aria-label={`Move rule ${n} down`}
                          >
                            ↓
                          </button>
                          <button type="button" className={buttonStyles.smallDanger} onClick={() => remove(i)} aria-label={`Remove rule ${n}`}>
                            Remove
                          </button>
                        </div>
                      </td>
                    </tr>
                    <tr data-rule-details={n} className="align-top">
                      <td />
                      <td colSpan={5} className="px-2 pb-3">
                        <RuleDetails
                          n={n}
                          row={row}
                          onChange={(patch) => update(row.id, patch)}
                          errors={Object.fromEntries(DETAIL_COLUMNS.map((c) => [c, errorsAt(i, c)]))}
                          checkCondition={checkCondition}
                        />
                      </td>
                    </tr>
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>

        <div className="flex flex-wrap items-center gap-3">
          <button type="button" data-focus="add" className={buttonStyles.secondary} onClick={add} disabled={rows.length >= 200}>
            Add rule
          </button>
          <SubmitButton>Save rules</SubmitButton>
          {dirty ? (
            <>
              <span className="text-xs font-medium text-amber-700 dark:text-amber-400">Unsaved changes</span>
              <button type="button" className={buttonStyles.ghost} onClick={discard}>
                Discard
              </button>
            </>
          ) : null}
        </div>
      </PendingFieldset>
    </form>
  );
}
