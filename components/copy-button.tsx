"use client";

import { useEffect, useState } from "react";
import { cx } from "./cx";
import { buttonStyles } from "./styles";

/** Copies `value` to the clipboard and says so for a moment (announced to screen readers). */
export function CopyButton({ value, label = "Copy", className }: { value: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed"); // e.g. not a secure context; the value is still selectable on screen
    }
  }

  return (
    <button type="button" onClick={copy} className={cx(buttonStyles.small, "min-w-[5.5rem]", className)}>
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select and copy" : label}</span>
    </button>
  );
}
