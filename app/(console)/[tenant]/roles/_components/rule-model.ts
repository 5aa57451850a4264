import type { RuleInput } from "@/lib/policy/schemas";

// The rule editor's model, shared by the editor, the simulator and the examples.
// Kept free of server imports: client components use it.

export type Effect = "allow" | "deny" | "require_approval";
export type ApproverRole = "reviewer" | "admin" | "owner";

/** A rule as the role page hands it to the editor (the shape lib/policy/roles.ts returns). */
export type EditorRule = {
  target: "tool" | "prompt" | "resource";
  server: string;
  pattern: string;
  effect: Effect;
  condition: string | null;
  message: string | null;
  approval: { approverRole: ApproverRole; approvalsRequired: number; ttlSeconds: number } | null;
};

/**
 * One row of the editor. Message and approval settings are kept while the
 * effect changes, so switching back and forth loses nothing; only what the
 * effect uses is saved.
 */
export type Row = {
  id: number;
  target: EditorRule["target"];
  server: string;
  pattern: string;
  effect: Effect;
  condition: string;
  message: string;
  approverRole: ApproverRole;
  approvalsRequired: number;
  ttlSeconds: number;
};

export const APPROVER_ROLES: { value: ApproverRole; label: string }[] = [
  { value: "reviewer", label: "Reviewer or above" },
  { value: "admin", label: "Admin or above" },
  { value: "owner", label: "Owners" },
];

export const EXPIRY_OPTIONS: { seconds: number; label: string }[] = [
  { seconds: 60, label: "1 minute" },
  { seconds: 300, label: "5 minutes" },
  { seconds: 900, label: "15 minutes" },
  { seconds: 1800, label: "30 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 4 * 3600, label: "4 hours" },
  { seconds: 8 * 3600, label: "8 hours" },
  { seconds: 86400, label: "1 day" },
  { seconds: 3 * 86400, label: "3 days" },
  { seconds: 7 * 86400, label: "7 days" },
];

/** "90 minutes", "1 hour", "2 days": a duration in the largest whole unit. */
export function formatDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds % 86400 === 0) return unit(seconds / 86400, "day");
  if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

export const EFFECT_LABELS: Record<Effect, string> = { allow: "Allow", deny: "Deny", require_approval: "Require approval" };

export function rowOf(rule: EditorRule | RuleInput, id: number): Row {
  return {
    id,
    target: rule.target ?? "tool",
    server: rule.server,
    pattern: rule.pattern,
    effect: rule.effect,
    condition: rule.condition ?? "",
    message: rule.message ?? "",
    approverRole: rule.approval?.approverRole ?? "reviewer",
    approvalsRequired: rule.approval?.approvalsRequired ?? 1,
    ttlSeconds: rule.approval?.ttlSeconds ?? 3600,
  };
}

/** What saving (or simulating) sends for a row: only the fields its effect uses. */
export function inputOf(row: Row): RuleInput {
  return {
    target: row.target,
    server: row.server,
    pattern: row.pattern,
    effect: row.effect,
    condition: row.condition.trim() ? row.condition : null,
    message: row.effect === "deny" && row.message.trim() ? row.message : null,
    approval: row.effect === "require_approval" ? { approverRole: row.approverRole, approvalsRequired: row.approvalsRequired, ttlSeconds: row.ttlSeconds } : null,
  };
}

/** Two lists of rules save the same (blank condition or message equals none; trailing spaces are trimmed on save). */
export function sameRules(a: RuleInput[], b: RuleInput[]): boolean {
  const norm = (r: RuleInput) =>
    JSON.stringify([r.target ?? "tool", r.server.trim(), r.pattern.trim(), r.effect, r.condition?.trim() || null, r.message?.trim() || null, r.approval ?? null]);
  return a.length === b.length && a.every((r, i) => norm(r) === norm(b[i]!));
}
