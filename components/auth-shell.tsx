import type { ReactNode } from "react";
import { LogoMark } from "./logo";
import { SkipLink } from "./skip-link";
import { cardStyles } from "./styles";

/** The frame of the public pages (sign-in, setup, invitations): one centered card. */
export function AuthShell({ title, description, children, footer, wide = false }: { title: ReactNode; description?: ReactNode; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  return (
    <>
      <SkipLink />
      <main id="content" tabIndex={-1} className="flex min-h-dvh flex-col items-center justify-center px-4 py-12 outline-none">
        <div className={wide ? "w-full max-w-lg" : "w-full max-w-sm"}>
          <div className="mb-6 flex flex-col items-center text-center">
            <div className="mb-5 flex items-center gap-2">
              <LogoMark className="size-8" />
              <span className="text-base font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Gatehouse</span>
            </div>
            <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
            {description ? <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
          </div>
          <div className={`${cardStyles} p-6 sm:p-7`}>{children}</div>
          {footer ? <div className="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</div> : null}
        </div>
      </main>
    </>
  );
}
