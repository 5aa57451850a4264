"use client";

import { useActionState } from "react";
import { FormError } from "@/components/form-error";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/actions";

export function JoinForm({ action, tenantName }: { action: (prev: ActionState, form: FormData) => Promise<ActionState>; tenantName: string }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-4">
      <FormError state={state} />
      <SubmitButton className="w-full">Join {tenantName}</SubmitButton>
    </form>
  );
}
