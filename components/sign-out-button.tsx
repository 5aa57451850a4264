import { signOut } from "@/lib/auth/next-auth";
import { cx } from "./cx";
import { buttonStyles, type ButtonVariant } from "./styles";

async function signOutAction() {
  "use server";
  await signOut({ redirectTo: "/sign-in" });
}

/** Ends this browser's session and goes to the sign-in page. */
export function SignOutButton({ variant = "ghost", className }: { variant?: ButtonVariant; className?: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={cx(buttonStyles[variant], className)}>
        Sign out
      </button>
    </form>
  );
}
