"use server";

import { revalidatePath } from "next/cache";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { decideApproval, type DecideApprovalInput } from "@/lib/approvals/decide";
import { requireTenant } from "@/lib/auth/session";

/** What the reviewer's form learns after deciding: enough to say what happens next. */
export type Decided = { decision: string; status: string; exposedName: string; agentName: string; approvalsRequired: number };
export type DecisionState = ActionState<{ decided: Decided }>;

/** One reviewer's approve or deny (the button pressed), with an optional comment the agent will see. */
export async function decideApprovalAction(slug: string, approvalId: string, _prev: DecisionState, form: FormData): Promise<DecisionState> {
  const values = { comment: formText(form, "comment") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    // The lib validates the decision and names the allowed ones.
    const decision = formText(form, "decision") as DecideApprovalInput["decision"];
    const approval = await decideApproval(ctx, approvalId, { decision, comment: values.comment });
    revalidatePath(`/${ctx.tenant.slug}`, "layout");
    return {
      decided: {
        decision,
        status: approval.status,
        exposedName: approval.exposedName,
        agentName: approval.agentName,
        approvalsRequired: approval.approvalsRequired,
      },
    };
  }, values);
}
