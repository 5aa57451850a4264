"use client";

import { CopyButton } from "@/components/copy-button";
import { buttonStyles } from "@/components/styles";
import type { RuleInput } from "@/lib/policy/schemas";
import { EXAMPLE_POLICIES } from "./example-policies";
import { EFFECT_LABELS, formatDuration } from "./rule-model";

export type ReferenceEntry = { name: string; type: string; description: string };

/**
 * What a condition can read, and the example policies, each with its
 * conditions to copy and, in the editor, a button that adds its rules.
 */
export function ConditionReference({ reference, onUse }: { reference: ReferenceEntry[]; onUse?: (rules: RuleInput[]) => void }) {
  return (
    <div className="space-y-6">
      <div>
        <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Examples</h3>
        <ul className="mt-3 grid gap-3 lg:grid-cols-2">
          {EXAMPLE_POLICIES.map((example) => (
            <li key={example.id} data-example={example.id} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <div className="flex items-start justify-between gap-3">
                <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">{example.title}</p>
                {onUse ? (
                  <button type="button" className={buttonStyles.small} onClick={() => onUse(example.rules)} aria-label={`Add the rules of the example: ${example.title}`}>
                    Add to rules
                  </button>
                ) : null}
              </div>
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{example.explanation}</p>
              <ol className="mt-2 space-y-1.5">
                {example.rules.map((rule, i) => (
                  <li key={i} className="text-xs">
                    <span className="text-zinc-700 dark:text-zinc-300">
                      {EFFECT_LABELS[rule.effect]} <code className="font-mono">{rule.server}</code> · <code className="font-mono">{rule.pattern}</code>
                      {rule.approval
                        ? ` · ${rule.approval.approvalsRequired === 2 ? "2 approvals" : "1 approval"} by ${rule.approval.approverRole} or above, expires in ${formatDuration(rule.approval.ttlSeconds ?? 3600)}`
                        : null}
                      {rule.message ? ` · “${rule.message}”` : null}
                    </span>
                    {rule.condition ? (
                      <span className="mt-1 flex items-start gap-2">
                        <code className="min-w-0 flex-1 rounded bg-zinc-50 px-2 py-1 font-mono break-words text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200">{rule.condition}</code>
                        <CopyButton value={rule.condition} label="Copy" />
                      </span>
                    ) : null}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ul>
      </div>

      <div>
        <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">What a condition can read</h3>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Conditions are <a className="underline" href="https://cel.dev" target="_blank" rel="noreferrer">CEL</a> expressions, checked when you save: an
          expression that does not type-check is refused with the line and column of the mistake.
        </p>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full min-w-[36rem] border-collapse text-left text-xs">
            <caption className="sr-only">Condition variables</caption>
            <thead>
              <tr className="font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                <th scope="col" className="py-1.5 pr-3 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Type
                </th>
                <th scope="col" className="py-1.5 pl-3 font-medium">
                  Meaning
                </th>
              </tr>
            </thead>
            <tbody>
              {reference.map((entry) => (
                <tr key={entry.name} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                  <td className="py-1.5 pr-3 font-mono whitespace-nowrap text-zinc-900 dark:text-zinc-100">{entry.name}</td>
                  <td className="px-3 py-1.5 font-mono whitespace-nowrap text-zinc-600 dark:text-zinc-400">{entry.type}</td>
                  <td className="py-1.5 pl-3 text-zinc-700 dark:text-zinc-300">{entry.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
