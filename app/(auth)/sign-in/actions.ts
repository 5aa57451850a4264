"use server";

import { AuthError, type CredentialsSignin } from "next-auth";
import type { ActionState } from "@/lib/actions";
import { formText } from "@/lib/actions";
import { signIn } from "@/lib/auth/next-auth";
import { credentialsMessage, safeCallbackUrl } from "./messages";

export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = formText(form, "email").trim();
  const password = formText(form, "password");
  const redirectTo = safeCallbackUrl(formText(form, "callbackUrl")) ?? "/";
  try {
    await signIn("credentials", { email, password, redirectTo });
    return null;
  } catch (e) {
    // A successful sign-in ends in a redirect, which is not an AuthError and must propagate.
    if (!(e instanceof AuthError)) throw e;
    if (e.type === "CredentialsSignin") {
      const code = (e as CredentialsSignin).code;
      return { ok: false, error: credentialsMessage(code), code: code.startsWith("rate_limited") ? "rate_limited" : "unauthorized", values: { email } };
    }
    console.error("[sign-in] unexpected auth error:", e);
    return { ok: false, error: "Sign-in failed on our side. Try again; if it keeps happening, the server log has the details.", code: "internal", values: { email } };
  }
}

export async function oidcSignInAction(form: FormData): Promise<void> {
  await signIn("oidc", { redirectTo: safeCallbackUrl(formText(form, "callbackUrl")) ?? "/" });
}
