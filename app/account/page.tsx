import type { Metadata } from "next";
import Link from "next/link";
import { AccountShell } from "@/components/account-shell";
import { Alert } from "@/components/alert";
import { formatDate } from "@/components/dates";
import { PageHeader } from "@/components/page-header";
import { RoleBadge } from "@/components/role-badge";
import { Section } from "@/components/section";
import { buttonStyles, linkStyles } from "@/components/styles";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { listTenantsForUser } from "@/lib/tenancy/tenants";
import { ChangePasswordForm } from "./_components/change-password-form";
import { signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const [memberships, params] = await Promise.all([listTenantsForUser(user.id), searchParams]);

  return (
    <AccountShell user={user}>
      <PageHeader title="Your account" description="Your sign-in details and the tenants you belong to." />
      <div className="space-y-6">
        {params.changed === "1" ? (
          <Alert tone="success" title="Password changed">
            Every other session of your account has been signed out.
          </Alert>
        ) : null}

        <Section id="profile" title="Profile">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Name</dt>
              <dd className="mt-1 font-medium text-zinc-900 dark:text-zinc-100">{user.name}</dd>
            </div>
            <div className="min-w-0">
              <dt className="text-zinc-500 dark:text-zinc-400">Email</dt>
              <dd className="mt-1 font-medium break-words text-zinc-900 dark:text-zinc-100">{user.email}</dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Member since</dt>
              <dd className="mt-1 font-medium text-zinc-900 dark:text-zinc-100">{formatDate(user.createdAt)}</dd>
            </div>
          </dl>
        </Section>

        <Section id="password" title="Password">
          {user.passwordHash ? (
            <ChangePasswordForm email={user.email} />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              You sign in with {env.oidc?.name ?? "single sign-on"}; this account has no Gatehouse password to change.
            </p>
          )}
        </Section>

        <Section
          id="tenants"
          title="Your tenants"
          flush
          actions={
            <Link href="/tenants/new" className={buttonStyles.secondary}>
              New tenant
            </Link>
          }
        >
          {memberships.length === 0 ? (
            <p className="px-5 py-5 text-sm text-zinc-600 dark:text-zinc-400">You do not belong to any tenant yet.</p>
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {memberships.map(({ tenant, role }) => (
                <li key={tenant.id} className="flex items-center justify-between gap-4 px-5 py-3">
                  <div className="min-w-0">
                    <Link href={`/${tenant.slug}`} className={linkStyles}>
                      {tenant.name}
                    </Link>
                    <p className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">/{tenant.slug}</p>
                  </div>
                  <RoleBadge role={role} />
                </li>
              ))}
            </ul>
          )}
        </Section>

        <Section
          id="sessions"
          title="Sessions"
          description="Lost a device or signed in somewhere you should not have? End every session of your account, in every browser, including this one."
        >
          <form action={signOutEverywhereAction}>
            <button type="submit" className={buttonStyles.secondary}>
              End all sessions
            </button>
          </form>
        </Section>
      </div>
    </AccountShell>
  );
}
