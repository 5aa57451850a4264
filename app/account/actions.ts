"use server";

import { formText, runAction, type ActionState } from "@/lib/actions";
import { signIn, signOut } from "@/lib/auth/next-auth";
import { requireUser } from "@/lib/auth/session";
import { changePassword, endAllSessions } from "@/lib/auth/users";

export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const input = { currentPassword: formText(form, "currentPassword"), newPassword: formText(form, "newPassword") };
  return runAction(async () => {
    const user = await requireUser();
    await changePassword(user.id, input);
    // The change ended every earlier session, this one included: issue a fresh one.
    await signIn("credentials", { email: user.email, password: input.newPassword, redirectTo: "/account?changed=1" });
    return {};
  });
}

/** Ends every session of this account, in every browser and process, this one included. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser();
  await endAllSessions(user.id);
  await signOut({ redirectTo: "/sign-in" });
}
