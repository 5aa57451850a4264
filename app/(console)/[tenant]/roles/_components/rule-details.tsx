"use client";

import { cx } from "@/components/cx";
import { inputStyles, selectStyles } from "@/components/styles";
import { ConditionField, type CheckCondition } from "./condition-field";
import { APPROVER_ROLES, EXPIRY_OPTIONS, formatDuration, type ApproverRole, type Row } from "./rule-model";

const small = "block text-xs font-medium text-zinc-600 dark:text-zinc-400";
const errorText = "mt-1 text-xs font-medium text-red-600 dark:text-red-400";

/**
 * The second line of a rule: its condition, and what its effect needs: the
 * message a deny shows the agent, or who approves a require_approval, how
 * many of them, and when the request expires.
 */
export function RuleDetails({
  n,
  row,
  onChange,
  errors,
  checkCondition,
}: {
  n: number;
  row: Row;
  onChange: (patch: Partial<Row>) => void;
  errors: Record<string, string[] | undefined>;
  checkCondition?: CheckCondition;
}) {
  const id = `rule-${row.id}`;
  const expiries = EXPIRY_OPTIONS.some((o) => o.seconds === row.ttlSeconds)
    ? EXPIRY_OPTIONS
    : [...EXPIRY_OPTIONS, { seconds: row.ttlSeconds, label: formatDuration(row.ttlSeconds) }].sort((a, b) => a.seconds - b.seconds);

  return (
    <div className={cx("grid gap-3", row.effect === "allow" ? "" : "lg:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]")}>
      <ConditionField
        id={`${id}-condition`}
        label={`Rule ${n} condition`}
        value={row.condition}
        onChange={(condition) => onChange({ condition })}
        savedErrors={errors.condition}
        check={checkCondition}
      />

      {row.effect === "deny" ? (
        <div className="space-y-1">
          <label htmlFor={`${id}-message`} className={small}>
            Message to the agent <span className="font-normal">(optional)</span>
          </label>
          <input
            id={`${id}-message`}
            aria-label={`Rule ${n} deny message`}
            value={row.message}
            placeholder="e.g. Ask the finance team for refunds this large."
            autoComplete="off"
            maxLength={500}
            onChange={(e) => onChange({ message: e.target.value })}
            aria-invalid={errors.message ? true : undefined}
            aria-describedby={errors.message ? `${id}-message-error` : undefined}
            className={inputStyles(Boolean(errors.message))}
          />
          {errors.message ? (
            <p id={`${id}-message-error`} className={errorText}>
              {errors.message.join(" ")}
            </p>
          ) : null}
        </div>
      ) : null}

      {row.effect === "require_approval" ? (
        <fieldset className="min-w-0" aria-describedby={errors.approval ? `${id}-approval-error` : undefined}>
          <legend className="sr-only">Approval settings of rule {n}</legend>
          <div className="grid grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)] gap-2">
            <div className="space-y-1">
              <label htmlFor={`${id}-approver`} className={small}>
                Approved by
              </label>
              <select
                id={`${id}-approver`}
                aria-label={`Rule ${n} approver role`}
                value={row.approverRole}
                onChange={(e) => onChange({ approverRole: e.target.value as ApproverRole })}
                className={selectStyles(Boolean(errors.approval))}
              >
                {APPROVER_ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="space-y-1">
              <label htmlFor={`${id}-approvals`} className={small}>
                Approvals
              </label>
              <select
                id={`${id}-approvals`}
                aria-label={`Rule ${n} number of approvals`}
                value={row.approvalsRequired}
                onChange={(e) => onChange({ approvalsRequired: Number(e.target.value) })}
                className={selectStyles(Boolean(errors.approval))}
              >
                <option value={1}>1 person</option>
                <option value={2}>2 people</option>
              </select>
            </div>
            <div className="space-y-1">
              <label htmlFor={`${id}-expiry`} className={small}>
                Expires after
              </label>
              <select
                id={`${id}-expiry`}
                aria-label={`Rule ${n} approval expiry`}
                value={row.ttlSeconds}
                onChange={(e) => onChange({ ttlSeconds: Number(e.target.value) })}
                className={selectStyles(Boolean(errors.approval))}
              >
                {expiries.map((o) => (
                  <option key={o.seconds} value={o.seconds}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {errors.approval ? (
            <p id={`${id}-approval-error`} className={errorText}>
              {errors.approval.join(" ")}
            </p>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  );
}
