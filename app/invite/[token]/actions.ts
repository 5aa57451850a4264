"use server";

import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { signIn, signOut } from "@/lib/auth/next-auth";
import { requireUser } from "@/lib/auth/session";
import { acceptInvitation, acceptInvitationWithSignUp } from "@/lib/tenancy/invitations";

/** A signed-in user joins with the invitation addressed to their email. */
export async function joinAction(token: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const user = await requireUser();
    const slug = await acceptInvitation(token, user);
    redirect(`/${slug}`);
  });
}

/** A newcomer creates their account with the invited email, joins, and is signed in. */
export async function signUpAndJoinAction(token: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const input = { name: formText(form, "name"), password: formText(form, "password") };
  return runAction(
    async () => {
      const { user, tenantSlug } = await acceptInvitationWithSignUp(token, input);
      await signIn("credentials", { email: user.email, password: input.password, redirectTo: `/${tenantSlug}` });
      return {};
    },
    { name: input.name },
  );
}

/** Signs out so the invitee can sign in with the invited account, then comes back here. */
export async function switchAccountAction(token: string): Promise<void> {
  await signOut({ redirectTo: `/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}` });
}
