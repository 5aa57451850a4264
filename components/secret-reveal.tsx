import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";

/**
 * A value shown once (a token or an invitation link): selectable monospace text,
 * a copy button, and the warning that it will not be shown again.
 */
export function SecretReveal({ title, value, testId, children }: { title: ReactNode; value: string; testId: string; children?: ReactNode }) {
  return (
    <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800/70 dark:bg-amber-950/30">
      <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">{title}</p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
        <code
          data-testid={testId}
          className="block min-w-0 flex-1 overflow-x-auto rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-xs whitespace-nowrap text-zinc-900 select-all dark:border-amber-900/60 dark:bg-zinc-950 dark:text-zinc-100"
        >
          {value}
        </code>
        <CopyButton value={value} />
      </div>
      {children ? <div className="mt-3 text-xs text-amber-900/90 dark:text-amber-200/80">{children}</div> : null}
    </div>
  );
}
