"use client";

import { useId, useState } from "react";
import { cx } from "@/components/cx";
import { JsonBlock } from "@/components/json-block";

/** Up to this many lines show whole; longer arguments start folded to their first lines. */
const FOLDED_LINES = 14;

/**
 * A held call's arguments, pretty-printed. Long ones are folded to their
 * first lines (still scrollable) with a button to show them all, so one big
 * payload does not push the other requests off the screen.
 */
export function ArgumentsBlock({ value, label }: { value: unknown; label: string }) {
  const lines = JSON.stringify(value, null, 2)?.split("\n").length ?? 1;
  const long = lines > FOLDED_LINES;
  const [open, setOpen] = useState(false);
  const id = useId();

  return (
    <div>
      <div id={id}>
        <JsonBlock value={value} label={label} className={cx("mt-1", long && !open && "max-h-64!", long && open && "max-h-none!")} />
      </div>
      {long ? (
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(!open)}
          className="mt-1.5 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          {open ? "Fold the arguments" : `Show all ${lines} lines`}
        </button>
      ) : null}
    </div>
  );
}
