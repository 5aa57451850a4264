import type { ReactNode } from "react";
import { cx } from "./cx";

const tones = {
  error: "border-red-200 bg-red-50 text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-300",
  success: "border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-900/60 dark:bg-emerald-950/40 dark:text-emerald-300",
  warning: "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200",
  info: "border-zinc-200 bg-zinc-50 text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300",
} as const;

/** A message box. Errors are announced (role="alert"); success notes politely (role="status"). */
export function Alert({ tone, title, children, className, id }: { tone: keyof typeof tones; title?: ReactNode; children?: ReactNode; className?: string; id?: string }) {
  return (
    <div id={id} role={tone === "error" ? "alert" : tone === "success" ? "status" : undefined} className={cx("rounded-md border px-3 py-2.5 text-sm", tones[tone], className)}>
      {title ? <p className="font-medium">{title}</p> : null}
      {children ? <div className={title ? "mt-1" : undefined}>{children}</div> : null}
    </div>
  );
}
