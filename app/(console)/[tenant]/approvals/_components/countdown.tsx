"use client";

import { useEffect, useState } from "react";
import { cx } from "@/components/cx";
import { useDebouncedRefresh } from "./live";

/**
 * Milliseconds left until `msLeft` (as the server measured it, by the
 * database's clock) runs out, ticking each second. The first render uses the
 * server's figure as is, so server and browser agree; a fresh figure (the
 * page re-read) restarts the count from it.
 */
export function useTimeLeft(msLeft: number): number {
  const [left, setLeft] = useState(msLeft);
  useEffect(() => {
    const deadline = Date.now() + msLeft;
    setLeft(msLeft);
    if (msLeft <= 0) return;
    const tick = () => setLeft(Math.max(0, deadline - Date.now()));
    // Ticks on the second boundary of the deadline, so the display never lags a whole second.
    let timer = setTimeout(function next() {
      tick();
      if (deadline - Date.now() > 0) timer = setTimeout(next, ((deadline - Date.now()) % 1000) || 1000);
    }, msLeft % 1000 || 1000);
    return () => clearTimeout(timer);
  }, [msLeft]);
  return left;
}

/** "9:58", "1 h 05 min". */
export function formatLeft(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The time a pending request has left before it expires, ticking; "expired"
 * at 0, when the page is read again so the request moves out of the inbox.
 * Not a live region: a screen reader hears it when it reaches it, not every second.
 */
export function Countdown({ msLeft, expiresAt, className }: { msLeft: number; expiresAt: string; className?: string }) {
  const left = useTimeLeft(msLeft);
  const refresh = useDebouncedRefresh();
  const expired = left <= 0;
  useEffect(() => {
    if (expired && msLeft > 0) refresh();
  }, [expired, msLeft, refresh]);

  return (
    <p
      role="timer"
      data-testid="time-left"
      title={`Expires ${expiresAt}`}
      className={cx(
        "inline-flex items-center gap-1.5 rounded-md px-2 py-1 font-mono text-sm font-medium whitespace-nowrap tabular-nums",
        expired
          ? "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
          : left < 60_000
            ? "bg-red-50 text-red-700 dark:bg-red-950/50 dark:text-red-300"
            : "bg-amber-50 text-amber-800 dark:bg-amber-950/50 dark:text-amber-300",
        className,
      )}
    >
      {expired ? "expired" : `${formatLeft(left)} left`}
    </p>
  );
}
