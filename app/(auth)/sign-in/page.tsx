import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthShell } from "@/components/auth-shell";
import { buttonStyles } from "@/components/styles";
import { getSignedInUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { SignInForm } from "./_components/sign-in-form";
import { oidcSignInAction } from "./actions";
import { authErrorMessage, safeCallbackUrl } from "./messages";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(one(params.callbackUrl));

  if (await getSignedInUser()) redirect(callbackUrl ?? "/");
  if ((await countUsers()) === 0) redirect("/setup");

  const initialError = authErrorMessage(one(params.error), one(params.code));

  return (
    <AuthShell
      title="Sign in to Gatehouse"
      description="Welcome back. Sign in with your email and password."
      footer={<p>No account yet? Ask an owner or admin of your tenant for an invitation link.</p>}
    >
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
      {env.oidc ? (
        <>
          <div className="my-5 flex items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400" aria-hidden="true">
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            or
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
          </div>
          <form action={oidcSignInAction}>
            {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
            <button type="submit" className={`${buttonStyles.secondary} w-full`}>
              Sign in with {env.oidc.name}
            </button>
          </form>
        </>
      ) : null}
    </AuthShell>
  );
}
