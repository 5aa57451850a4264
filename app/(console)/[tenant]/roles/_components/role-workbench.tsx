"use client";

import { useCallback, useRef, useState, type ReactNode } from "react";
import { Section } from "@/components/section";
import { Tabs } from "@/components/tabs";
import type { ActionState } from "@/lib/actions";
import type { RuleInput } from "@/lib/policy/schemas";
import type { Replay, ReplayInput } from "@/lib/policy/replay";
import type { SimulateInput, Simulation } from "@/lib/policy/simulate";
import type { CheckCondition } from "./condition-field";
import { ConditionReference, type ReferenceEntry } from "./condition-reference";
import { ReplayPanel } from "./replay-panel";
import { RuleEditor, type RuleEditorHandle } from "./rule-editor";
import { inputOf, rowOf, type EditorRule } from "./rule-model";
import { SimulatePanel, type SimulationChoices } from "./simulate-panel";

/**
 * A role's rules, the simulator and the condition reference, sharing one
 * draft: what the editor shows (saved or not) is what the simulator tests.
 * Without roles.write the rules are read-only and the simulator tests the
 * saved ones.
 */
export function RoleWorkbench({
  roleName,
  rules,
  servers,
  rulesDescription,
  readOnlyRules,
  save,
  checkCondition,
  simulate,
  replay,
  choices,
  reference,
}: {
  roleName: string;
  rules: EditorRule[];
  servers: string[];
  rulesDescription: ReactNode;
  /** Shown instead of the editor when `save` is absent. */
  readOnlyRules: ReactNode;
  save?: (prev: ActionState, form: FormData) => Promise<ActionState>;
  checkCondition?: CheckCondition;
  simulate: (input: SimulateInput) => Promise<ActionState<{ simulation: Simulation }>>;
  /** Absent without permission to read the audit log. */
  replay?: (input: ReplayInput) => Promise<ActionState<{ replay: Replay }>>;
  choices: SimulationChoices;
  reference: ReferenceEntry[];
}) {
  const [draft, setDraft] = useState<RuleInput[]>(() => rules.map((r, i) => inputOf(rowOf(r, i))));
  const editor = useRef<RuleEditorHandle>(null);
  const onDraftChange = useCallback((next: RuleInput[]) => setDraft(next), []);
  const editing = Boolean(save);

  return (
    <>
      <Section id="rules" title="Rules" description={rulesDescription} flush>
        {save ? (
          <div className="px-5 py-5">
            <RuleEditor ref={editor} action={save} rules={rules} servers={servers} roleName={roleName} checkCondition={checkCondition} onDraftChange={onDraftChange} />
          </div>
        ) : (
          readOnlyRules
        )}
      </Section>

      <Section
        id="simulate"
        title="Simulate"
        description={
          editing
            ? `Try the rules before saving them: the editor's rules stand in for ${roleName}'s saved rules, together with the saved rules of the agent's other roles.`
            : `Try ${roleName}'s rules together with the saved rules of the agent's other roles.`
        }
      >
        <Tabs
          label="Simulate"
          items={[
            { id: "test", label: "Test a call", content: <SimulatePanel draft={draft} choices={choices} simulate={simulate} roleName={roleName} editing={editing} /> },
            {
              id: "replay",
              label: "Replay audited calls",
              content: replay ? (
                <ReplayPanel draft={draft} replay={replay} roleName={roleName} />
              ) : (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">Replaying audited calls reads the audit log, which your role does not allow.</p>
              ),
            },
          ]}
        />
      </Section>

      <Section id="conditions" title="Conditions and examples" description="Conditions are optional; a rule without one applies to every call it matches.">
        <ConditionReference reference={reference} onUse={save ? (added) => editor.current?.append(added) : undefined} />
      </Section>
    </>
  );
}
