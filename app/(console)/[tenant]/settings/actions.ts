"use server";

import { revalidatePath } from "next/cache";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { createAdminToken, revokeAdminToken } from "@/lib/admin-tokens/tokens";
import type { CreateAdminTokenInput } from "@/lib/admin-tokens/schemas";
import { requireTenant } from "@/lib/auth/session";
import { updateTenant } from "@/lib/tenancy/tenants";

export async function renameTenantAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const input = { name: formText(form, "name") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await updateTenant(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}`, "layout"); // the name shows in the switcher and on every page
    return {};
  }, input);
}

export type CreatedToken = { name: string; role: string; secret: string };

export async function createTokenAction(slug: string, _prev: ActionState<{ token: CreatedToken }>, form: FormData): Promise<ActionState<{ token: CreatedToken }>> {
  const never = formText(form, "neverExpires") === "on";
  const days = formText(form, "expiresInDays");
  const values = { name: formText(form, "name"), role: formText(form, "role"), expiresInDays: days, neverExpires: never ? "on" : "" };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const input = { name: values.name, role: values.role, expiresInDays: never ? null : days.trim() } as unknown as CreateAdminTokenInput; // the lib validates
    const { token, secret } = await createAdminToken(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return { token: { name: token.name, role: token.role, secret } };
  }, values);
}

export async function revokeTokenAction(slug: string, tokenId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await revokeAdminToken(ctx, tokenId);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return {};
  });
}
