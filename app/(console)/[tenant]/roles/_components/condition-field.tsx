"use client";

import { useEffect, useRef, useState } from "react";
import { cx } from "@/components/cx";
import { textareaStyles } from "@/components/styles";

export type ConditionCheck = { ok: true } | { ok: false; message: string; line?: number; column?: number };
export type CheckCondition = (source: string) => Promise<ConditionCheck>;

const DEBOUNCE_MS = 400;

/**
 * A rule's CEL condition. While typing, the server's checker says (after a
 * short pause) whether it compiles and where it does not; the errors of the
 * last save are shown until the text changes.
 */
export function ConditionField({
  id,
  label,
  value,
  onChange,
  savedErrors,
  check,
  dataFocus,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  savedErrors?: string[];
  check?: CheckCondition;
  dataFocus?: string;
}) {
  const [hint, setHint] = useState<{ source: string; result: ConditionCheck } | null>(null);
  const latest = useRef(0);
  const [edited, setEdited] = useState(false);

  useEffect(() => {
    setEdited(false);
  }, [savedErrors]);

  useEffect(() => {
    if (!check || !value.trim()) return;
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      check(value)
        .then((result) => {
          if (ticket === latest.current) setHint({ source: value, result });
        })
        .catch(() => {});
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value, check]);

  const live = hint && hint.source === value && value.trim() ? hint.result : null;
  // The checker's answer names the line and column; the save's answer stands until the text changes.
  const errors = live && !live.ok ? [positioned(live)] : !edited && savedErrors?.length ? savedErrors : [];
  const errorId = `${id}-error`;
  const lines = value.split("\n").length;

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Condition <span className="font-normal">(CEL, optional)</span>
      </label>
      <textarea
        id={id}
        aria-label={label}
        data-focus={dataFocus}
        value={value}
        rows={Math.min(Math.max(lines, 1), 8)}
        placeholder="Applies to every matching call; e.g. args.table != 'financials'"
        autoComplete="off"
        spellCheck={false}
        maxLength={2000}
        onChange={(e) => {
          setEdited(true);
          onChange(e.target.value);
        }}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={errors.length ? errorId : undefined}
        className={cx(textareaStyles(errors.length > 0), "min-h-9! resize-y font-mono text-xs")}
      />
      <p id={errorId} aria-live="polite" className={cx("text-xs", errors.length ? "font-medium text-red-600 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400")}>
        {errors.length ? errors.join(" ") : live?.ok ? "Type-checks." : null}
      </p>
    </div>
  );
}

function positioned(check: Extract<ConditionCheck, { ok: false }>): string {
  if (check.line === undefined || /\bline \d+/.test(check.message)) return check.message;
  return `Line ${check.line}, column ${check.column ?? 1}: ${check.message}`;
}
