import { cx } from "./cx";

/** Pretty-printed JSON in a scrollable monospace block; `undefined` prints as nothing given. */
export function JsonBlock({ value, className, label }: { value: unknown; className?: string; label?: string }) {
  const text = value === undefined ? "(nothing)" : JSON.stringify(value, null, 2);
  return (
    <pre
      aria-label={label}
      tabIndex={0}
      className={cx(
        "max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200",
        className,
      )}
    >
      {text}
    </pre>
  );
}
