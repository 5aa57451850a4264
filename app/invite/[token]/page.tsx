import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Alert } from "@/components/alert";
import { AuthShell } from "@/components/auth-shell";
import { RoleBadge } from "@/components/role-badge";
import { buttonStyles, linkStyles } from "@/components/styles";
import { getSignedInUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { ROLE_DESCRIPTIONS } from "@/lib/rbac/permissions";
import { previewInvitation, type InvitationPreview } from "@/lib/tenancy/invitations";
import { JoinForm } from "./_components/join-form";
import { SignUpForm } from "./_components/sign-up-form";
import { joinAction, signUpAndJoinAction, switchAccountAction } from "./actions";

// The link itself is the secret: never send it onward in a Referer header.
export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;

  let invitation: InvitationPreview;
  try {
    invitation = await previewInvitation(token);
  } catch (e) {
    if (!isAppError(e)) throw e;
    return (
      <AuthShell title="This invitation cannot be used" footer={<Link href="/" className={linkStyles}>Go to Gatehouse</Link>}>
        <Alert tone="error">{e.message}</Alert>
        <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">Invitation links work once and expire after 7 days. An owner or admin of the tenant can send you a new one.</p>
      </AuthShell>
    );
  }

  const user = await getSignedInUser();
  const callback = `/invite/${token}`;

  return (
    <AuthShell
      title={`Join ${invitation.tenantName}`}
      description={
        <>
          You were invited to the <strong className="font-medium text-zinc-900 dark:text-zinc-100">{invitation.tenantName}</strong> tenant on Gatehouse.
        </>
      }
    >
      <dl className="mb-6 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded-md bg-zinc-50 px-4 py-3 text-sm dark:bg-zinc-800/50">
        <dt className="text-zinc-500 dark:text-zinc-400">Invited email</dt>
        <dd className="min-w-0 font-medium break-words">{invitation.email}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Role</dt>
        <dd>
          <RoleBadge role={invitation.role} />
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{ROLE_DESCRIPTIONS[invitation.role]}</p>
        </dd>
      </dl>

      {user ? (
        <div className="space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Signed in as <span className="font-medium text-zinc-900 dark:text-zinc-100">{user.email}</span>.
          </p>
          {user.email.toLowerCase() !== invitation.email.toLowerCase() ? (
            <Alert tone="warning">
              This invitation is for {invitation.email}. To accept it, sign out and sign in with that account.
              <form action={switchAccountAction.bind(null, token)} className="mt-2">
                <button type="submit" className={linkStyles}>
                  Switch account
                </button>
              </form>
            </Alert>
          ) : null}
          <JoinForm action={joinAction.bind(null, token)} tenantName={invitation.tenantName} />
        </div>
      ) : invitation.accountExists ? (
        <div className="space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">An account for {invitation.email} already exists. Sign in to accept the invitation.</p>
          <Link href={`/sign-in?callbackUrl=${encodeURIComponent(callback)}`} className={`${buttonStyles.primary} w-full`}>
            Sign in to accept
          </Link>
        </div>
      ) : (
        <>
          <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">Create your account to accept.</p>
          <SignUpForm action={signUpAndJoinAction.bind(null, token)} email={invitation.email} tenantName={invitation.tenantName} />
        </>
      )}
    </AuthShell>
  );
}
