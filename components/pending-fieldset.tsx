"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { cx } from "./cx";

/**
 * Wraps a form's controls and disables them while its action runs. React resets
 * a form when its action finishes, so anything typed meanwhile would be lost;
 * this way nothing can be typed meanwhile, and a second submit cannot start.
 */
export function PendingFieldset({ children, className }: { children: ReactNode; className?: string }) {
  const { pending } = useFormStatus();
  return (
    <fieldset disabled={pending} aria-busy={pending || undefined} className={cx("min-w-0", className)}>
      {children}
    </fieldset>
  );
}
