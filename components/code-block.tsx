import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";
import { cx } from "./cx";

/**
 * Text to paste somewhere else (a command, a config file), with a copy button.
 * `testId` marks the text for tests; the copy button copies exactly `code`.
 * `wrap` breaks long lines on screen (for one-line commands); the copy stays one line.
 */
export function CodeBlock({
  code,
  title,
  copyLabel = "Copy",
  testId,
  className,
  wrap = false,
}: {
  code: string;
  title?: ReactNode;
  copyLabel?: string;
  testId?: string;
  className?: string;
  wrap?: boolean;
}) {
  return (
    <div className={cx("overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800", className)}>
      <div className="flex items-center justify-between gap-3 border-b border-zinc-200 bg-zinc-50 px-3 py-1.5 dark:border-zinc-800 dark:bg-zinc-900/60">
        <span className="min-w-0 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400">{title}</span>
        <CopyButton value={code} label={copyLabel} />
      </div>
      <pre
        data-testid={testId}
        tabIndex={0}
        className={cx(
          "overflow-x-auto bg-white px-3 py-2.5 font-mono text-xs leading-relaxed text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200",
          wrap ? "whitespace-pre-wrap wrap-anywhere" : "whitespace-pre",
        )}
      >
        {code}
      </pre>
    </div>
  );
}
