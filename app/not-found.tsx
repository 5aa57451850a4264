import Link from "next/link";
import { LogoMark } from "@/components/logo";
import { buttonStyles } from "@/components/styles";

export const metadata = { title: "Not found" };

/** Also what a non-member sees on another tenant's pages: the same answer as for a tenant that does not exist. */
export default function NotFound() {
  return (
    <main id="content" className="flex min-h-dvh flex-col items-center justify-center px-4 py-16 text-center">
      <LogoMark className="mb-6 size-9" />
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-2 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
        This page does not exist, or your account does not have access to it. If someone shared a link with you, check that you are signed in with the
        right account.
      </p>
      <div className="mt-8 flex gap-3">
        <Link href="/" className={buttonStyles.primary}>
          Go to your console
        </Link>
        <Link href="/account" className={buttonStyles.secondary}>
          Your account
        </Link>
      </div>
    </main>
  );
}
