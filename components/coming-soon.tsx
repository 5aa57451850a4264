import type { ReactNode } from "react";
import { Badge } from "./badge";
import { PageHeader } from "./page-header";
import { cardStyles } from "./styles";

/** An honest placeholder for an area whose release has not landed yet: what it will do, nothing pretend. */
export function ComingSoon({ title, summary, icon, points }: { title: string; summary: string; icon: ReactNode; points: string[] }) {
  return (
    <>
      <PageHeader title={title} description={summary} />
      <div className={`${cardStyles} flex flex-col items-center px-6 py-14 text-center`}>
        <div aria-hidden="true" className="mb-4 flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-950/60 dark:text-indigo-400">
          {icon}
        </div>
        <Badge tone="accent">Coming soon</Badge>
        <p className="mt-3 text-base font-semibold text-zinc-900 dark:text-zinc-100">This area arrives with a later release</p>
        <p className="mt-1 max-w-lg text-sm text-zinc-600 dark:text-zinc-400">Nothing here is configured yet. When this area lands you will be able to:</p>
        <ul className="mt-5 w-full max-w-md space-y-2 text-left text-sm text-zinc-700 dark:text-zinc-300">
          {points.map((p) => (
            <li key={p} className="flex gap-2.5">
              <span aria-hidden="true" className="mt-2 size-1.5 shrink-0 rounded-full bg-indigo-500" />
              {p}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
