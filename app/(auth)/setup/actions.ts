"use server";

import { formText, runAction, type ActionState } from "@/lib/actions";
import { signIn } from "@/lib/auth/next-auth";
import { completeSetup } from "@/lib/tenancy/setup";

export async function setupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const input = {
    name: formText(form, "name"),
    email: formText(form, "email"),
    password: formText(form, "password"),
    tenantName: formText(form, "tenantName"),
    tenantSlug: formText(form, "tenantSlug"),
  };
  const { password: _password, ...values } = input;
  return runAction(async () => {
    const { user, tenant } = await completeSetup(input);
    await signIn("credentials", { email: user.email, password: input.password, redirectTo: `/${tenant.slug}` });
    return {};
  }, values);
}
