"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { createAgent, deleteAgent, updateAgent } from "@/lib/agents/agents";
import { createAgentKey, revokeAgentKey } from "@/lib/agents/keys";
import { requireTenant } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

/**
 * Labels typed as `key=value` lines. Blank lines are skipped; a line without
 * `=` or a key given twice is a field error naming the line.
 */
function labelsFrom(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const at = line.indexOf("=");
    if (at <= 0) {
      problems.push(`Line ${i + 1}: write key=value.`);
      return;
    }
    const key = line.slice(0, at).trim();
    if (key in labels) problems.push(`Line ${i + 1}: "${key}" is given twice.`);
    labels[key] = line.slice(at + 1).trim();
  });
  if (problems.length) throw new AppError("validation_failed", problems.join(" "), { fields: { labels: problems } });
  return labels;
}

function agentValues(form: FormData) {
  return {
    name: formText(form, "name"),
    description: formText(form, "description"),
    labels: formText(form, "labels"),
    roles: form.getAll("roles").map(String).join("\n"),
  };
}

function agentInput(values: ReturnType<typeof agentValues>) {
  return {
    name: values.name,
    description: values.description,
    labels: labelsFrom(values.labels),
    roles: values.roles ? values.roles.split("\n") : [],
  };
}

export async function createAgentAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = agentValues(form);
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const agent = await createAgent(ctx, agentInput(values));
    revalidatePath(`/${ctx.tenant.slug}/agents`);
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    redirect(`/${ctx.tenant.slug}/agents/${agent.id}?created=1`);
  }, values);
}

export async function updateAgentAction(slug: string, agentId: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = agentValues(form);
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await updateAgent(ctx, agentId, agentInput(values));
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    return {};
  }, values);
}

export async function deleteAgentAction(slug: string, agentId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await deleteAgent(ctx, agentId);
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    revalidatePath(`/${ctx.tenant.slug}/roles`, "layout");
    redirect(`/${ctx.tenant.slug}/agents`);
  });
}

export type IssuedKey = { name: string; secret: string; expiresAt: string | null };

export async function issueKeyAction(slug: string, agentId: string, _prev: ActionState<{ issued: IssuedKey }>, form: FormData): Promise<ActionState<{ issued: IssuedKey }>> {
  const values = { name: formText(form, "name"), expiresInDays: formText(form, "expiresInDays") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const days = values.expiresInDays.trim();
    const { key, secret } = await createAgentKey(ctx, agentId, {
      name: values.name.trim() === "" ? undefined : values.name,
      expiresInDays: days === "" ? undefined : (days as unknown as number), // the lib coerces and validates
    });
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    return { issued: { name: key.name, secret, expiresAt: key.expiresAt?.toISOString() ?? null } };
  }, values);
}

export async function revokeKeyAction(slug: string, agentId: string, keyId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await revokeAgentKey(ctx, agentId, keyId);
    revalidatePath(`/${ctx.tenant.slug}/agents`, "layout");
    return {};
  });
}
