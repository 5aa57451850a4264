"use server";

import { cookies } from "next/headers";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { signIn } from "@/lib/auth/next-auth";
import { completeSetup } from "@/lib/tenancy/setup";
import { DEMO_NOTICE_COOKIE } from "@/components/demo-tenant-notice";

export async function setupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const input = {
    name: formText(form, "name"),
    email: formText(form, "email"),
    password: formText(form, "password"),
    tenantName: formText(form, "tenantName"),
    tenantSlug: formText(form, "tenantSlug"),
    demo: formText(form, "demo") === "on",
  };
  const { password: _password, demo, ...rest } = input;
  const values = { ...rest, demo: demo ? "on" : "" };
  return runAction(async () => {
    const { user, tenant, demoTenant } = await completeSetup(input);
    // The owner lands on their own tenant; a notice there points at the demo tenant once.
    if (demoTenant) {
      (await cookies()).set(DEMO_NOTICE_COOKIE, demoTenant.slug, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 7 * 86_400 });
    }
    await signIn("credentials", { email: user.email, password: input.password, redirectTo: `/${tenant.slug}` });
    return {};
  }, values);
}
