"use server";

import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { createTenant } from "@/lib/tenancy/tenants";

export async function createTenantAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const input = { name: formText(form, "name"), slug: formText(form, "slug") };
  return runAction(async () => {
    const user = await requireUser();
    const tenant = await createTenant(user.id, input);
    redirect(`/${tenant.slug}`);
  }, input);
}
