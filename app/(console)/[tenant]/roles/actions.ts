"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { requireTenant } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { checkCondition } from "@/lib/policy/cel";
import { createRole, deleteRole, updateRole } from "@/lib/policy/roles";
import type { RuleInput } from "@/lib/policy/schemas";
import { replayCalls, type Replay, type ReplayInput } from "@/lib/policy/replay";
import { simulateCall, type Simulation, type SimulateInput } from "@/lib/policy/simulate";

const rolePath = (slug: string, name: string) => `/${slug}/roles/${encodeURIComponent(name)}`;

export async function createRoleAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { name: formText(form, "name"), description: formText(form, "description") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const role = await createRole(ctx, values);
    revalidatePath(`/${ctx.tenant.slug}/roles`);
    redirect(`${rolePath(ctx.tenant.slug, role.name)}?created=1`);
  }, values);
}

/** The rule editor posts its whole table as JSON; saving replaces the role's list with it. */
export async function saveRulesAction(slug: string, name: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    let rules: RuleInput[];
    try {
      rules = JSON.parse(formText(form, "rules")) as RuleInput[];
      if (!Array.isArray(rules)) throw new Error();
    } catch {
      throw new AppError("invalid_request", "The rules could not be read. Reload the page and try again.");
    }
    await updateRole(ctx, name, { rules });
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    return {};
  });
}

export async function updateRoleDetailsAction(slug: string, name: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { name: formText(form, "name"), description: formText(form, "description") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const role = await updateRole(ctx, name, values);
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    if (role.name !== name) redirect(`${rolePath(ctx.tenant.slug, role.name)}?renamed=1`);
    return {};
  }, values);
}

export async function deleteRoleAction(slug: string, name: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await deleteRole(ctx, name);
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    redirect(`/${ctx.tenant.slug}/roles?deleted=${encodeURIComponent(name)}`);
  });
}

/** Decides a hypothetical call under the editor's draft; saves nothing. */
export async function simulateAction(slug: string, name: string, input: SimulateInput): Promise<ActionState<{ simulation: Simulation }>> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    return { simulation: await simulateCall(ctx, name, input) };
  });
}

/** Replays the tenant's recent audited calls under the editor's draft; saves nothing. */
export async function replayAction(slug: string, name: string, input: ReplayInput): Promise<ActionState<{ replay: Replay }>> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    return { replay: await replayCalls(ctx, name, input) };
  });
}

export type ConditionCheckResult = { ok: true } | { ok: false; message: string; line?: number; column?: number };

/** The editor's hint while a condition is typed: does it type-check, and if not, where. */
export async function checkConditionAction(slug: string, source: string): Promise<ConditionCheckResult> {
  await requireTenant(slug);
  if (typeof source !== "string" || source.length > 2000) return { ok: false, message: "A condition has at most 2000 characters." };
  if (!source.trim()) return { ok: true };
  // Untrimmed, so that the line and column match the text as the editor shows it.
  const checked = checkCondition(source);
  return checked.ok ? { ok: true } : { ok: false, message: checked.message, line: checked.line, column: checked.column };
}
