import type { ReactNode } from "react";
import { Logo } from "./logo";
import { UserNav } from "./user-nav";

/** The top bar of every signed-in page: product mark, an optional middle (the tenant switcher), the user. */
export function AppHeader({ user, children }: { user: { name: string; email: string }; children?: ReactNode }) {
  return (
    <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/75 dark:border-zinc-800 dark:bg-zinc-950/90 dark:supports-[backdrop-filter]:bg-zinc-950/75">
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-3 px-4 sm:gap-4 sm:px-6">
        <Logo />
        {children ? (
          <>
            <span aria-hidden="true" className="hidden h-5 w-px bg-zinc-200 sm:block dark:bg-zinc-800" />
            <div className="min-w-0">{children}</div>
          </>
        ) : null}
        <div className="ml-auto">
          <UserNav user={user} />
        </div>
      </div>
    </header>
  );
}
