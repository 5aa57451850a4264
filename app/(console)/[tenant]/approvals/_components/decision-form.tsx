"use client";

import { useActionState } from "react";
import { TextAreaField } from "@/components/field";
import { fieldErrors, FormError, typed } from "@/components/form-error";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import type { DecisionState } from "../actions";
import { useTimeLeft } from "./countdown";
import { useOnDecided } from "./decision-feedback";

type Props = {
  action: (prev: DecisionState, form: FormData) => Promise<DecisionState>;
  approvalId: string;
  exposedName: string;
  msLeft: number;
  /** "10 min": how long after an approval a repeat of the call can still use it. */
  usableFor: string;
  /** The signed-in reviewer issued the agent's key: say so before they try. */
  youIssuedKey: boolean;
  className?: string;
};

/**
 * A reviewer's decision on one held call: a comment (the agent reads it when
 * denied) and Approve / Deny. A refusal (already decided, expired, you issued the key…)
 * shows here with the lib's message, keeping the comment; nothing else on
 * the page changes. Disabled once the request's time is up.
 */
export function DecisionForm({ action, approvalId, exposedName, msLeft, usableFor, youIssuedKey, className }: Props) {
  const onDecided = useOnDecided();
  const [state, formAction] = useActionState<DecisionState, FormData>(async (prev, form) => {
    const result = await action(prev, form);
    if (result?.ok) onDecided(approvalId, result.decided);
    return result;
  }, null);
  const expired = useTimeLeft(msLeft) <= 0;
  const prefix = `approval-${approvalId}`;

  return (
    <form action={formAction} aria-label={`Decide on ${exposedName}`} className={className}>
      <PendingFieldset className="space-y-3">
        <FormError state={state} fields={["comment"]} />
        <TextAreaField
          name="comment"
          idPrefix={prefix}
          label="Comment"
          rows={2}
          maxLength={1000}
          placeholder="Why you deny it, or what to watch for"
          defaultValue={typed(state, "comment")}
          errors={fieldErrors(state, "comment")}
          hint="Say why when you deny: the agent reads it in the call's result. Every comment is kept in the audit log."
        />
        {youIssuedKey ? (
          <p className="text-xs text-amber-800 dark:text-amber-300">You issued the agent key this call was made with, so your approval alone cannot release it; you can still deny it.</p>
        ) : null}
        <fieldset disabled={expired} className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <legend className="sr-only">Decision</legend>
          <SubmitButton name="decision" value="approve" className="min-w-24">
            Approve<span className="sr-only"> {exposedName}</span>
          </SubmitButton>
          <SubmitButton name="decision" value="deny" variant="danger" className="min-w-24">
            Deny<span className="sr-only"> {exposedName}</span>
          </SubmitButton>
          <p className="min-w-0 flex-1 basis-64 text-xs text-zinc-500 dark:text-zinc-400">
            {expired
              ? "Expired: nobody decided in time. The agent must call again to ask anew."
              : `Approve runs this exact call once: now if the agent is still waiting, otherwise when it repeats the call within ${usableFor}. Deny fails the waiting call with your comment.`}
          </p>
        </fieldset>
      </PendingFieldset>
    </form>
  );
}
