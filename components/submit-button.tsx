"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { cx } from "./cx";
import { buttonStyles, type ButtonVariant } from "./styles";

/** A form's submit button; disabled while the form's action runs, so a double click submits once. */
export function SubmitButton({
  children,
  variant = "primary",
  className,
  name,
  value,
  autoFocus,
}: {
  children: ReactNode;
  variant?: ButtonVariant;
  className?: string;
  name?: string;
  value?: string;
  autoFocus?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      name={name}
      value={value}
      autoFocus={autoFocus}
      disabled={pending}
      aria-busy={pending || undefined}
      className={cx(buttonStyles[variant], className)}
    >
      {pending ? <Spinner /> : null}
      {children}
    </button>
  );
}

function Spinner() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 animate-spin" fill="none">
      <circle cx="8" cy="8" r="6" stroke="currentColor" strokeOpacity="0.3" strokeWidth="2" />
      <path d="M14 8a6 6 0 0 0-6-6" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
