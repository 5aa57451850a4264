"use client";

import { useActionState } from "react";
import { PendingFieldset } from "@/components/pending-fieldset";
import { SubmitButton } from "@/components/submit-button";
import { selectStyles } from "@/components/styles";
import type { ActionState } from "@/lib/actions";
import type { ConsoleRole } from "@/lib/rbac/permissions";

/**
 * A member's role in a table row: a select and a "Change role" button; errors
 * (e.g. last owner) show in place. The select's label avoids the word "role" so
 * the add form's "Role" field stays the only one found by that label.
 */
export function RoleForm({
  action,
  current,
  roles,
  memberLabel,
  id,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  current: ConsoleRole;
  roles: readonly ConsoleRole[];
  memberLabel: string;
  id: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const errorId = `${id}-error`;
  const failed = state && !state.ok;
  return (
    <form action={formAction}>
      <PendingFieldset className="flex flex-col gap-1.5">
        <div className="flex items-center gap-2">
          <label htmlFor={id} className="sr-only">
            Access level for {memberLabel}
          </label>
          <select
            key={current}
            id={id}
            name="role"
            defaultValue={current}
            aria-invalid={failed || undefined}
            aria-describedby={failed ? errorId : undefined}
            className={`${selectStyles(Boolean(failed))} h-8 w-32`}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <SubmitButton variant="small">Change role</SubmitButton>
        </div>
        {failed ? (
          <p id={errorId} role="alert" className="max-w-xs text-xs font-medium text-red-600 dark:text-red-400">
            {state.error}
          </p>
        ) : null}
      </PendingFieldset>
    </form>
  );
}
