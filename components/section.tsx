import type { ReactNode } from "react";
import { cx } from "./cx";
import { cardStyles } from "./styles";

/** A titled card on a console page. `flush` drops the body padding, for tables. */
export function Section({
  title,
  description,
  actions,
  children,
  flush = false,
  id,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  flush?: boolean;
  id?: string;
  className?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section aria-labelledby={headingId} className={cx(cardStyles, "overflow-hidden", className)}>
      <div className="flex flex-col gap-3 border-b border-zinc-200 px-5 py-4 sm:flex-row sm:items-start sm:justify-between dark:border-zinc-800">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
            {title}
          </h2>
          {description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
        </div>
        {actions ? <div className="shrink-0">{actions}</div> : null}
      </div>
      <div className={flush ? undefined : "px-5 py-5"}>{children}</div>
    </section>
  );
}
