import type { ReactNode } from "react";
import { AppHeader } from "./app-header";
import { SkipLink } from "./skip-link";

/** The frame of signed-in pages outside any tenant (account, new tenant). */
export function AccountShell({ user, children }: { user: { name: string; email: string }; children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <AppHeader user={user} />
      <main id="content" tabIndex={-1} className="mx-auto w-full max-w-3xl px-4 py-10 outline-none sm:px-6">
        {children}
      </main>
    </>
  );
}
