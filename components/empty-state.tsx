import type { ReactNode } from "react";
import { cx } from "./cx";

/** A calm placeholder for a list with nothing in it, or a page that is not built yet. */
export function EmptyState({ icon, title, children, className }: { icon?: ReactNode; title: ReactNode; children?: ReactNode; className?: string }) {
  return (
    <div className={cx("flex flex-col items-center px-6 py-12 text-center", className)}>
      {icon ? (
        <div aria-hidden="true" className="mb-4 flex size-12 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
          {icon}
        </div>
      ) : null}
      <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</p>
      {children ? <div className="mt-1.5 max-w-md text-sm text-zinc-600 dark:text-zinc-400">{children}</div> : null}
    </div>
  );
}
