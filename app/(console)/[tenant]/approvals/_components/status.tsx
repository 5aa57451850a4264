import { Badge, type BadgeTone } from "@/components/badge";
import { approverRoles, type Approval, type ApproverRole } from "@/db/schema";
import type { ConsoleRole } from "@/lib/rbac/permissions";

const STATUS: Record<Approval["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "waiting", tone: "warning" },
  approved: { label: "approved, not run yet", tone: "success" },
  consumed: { label: "approved, ran", tone: "success" },
  denied: { label: "denied", tone: "danger" },
  expired: { label: "expired", tone: "neutral" },
};

export function StatusBadge({ status }: { status: Approval["status"] }) {
  const { label, tone } = STATUS[status];
  return (
    <Badge tone={tone}>
      <span className="sr-only">Status: </span>
      {label}
    </Badge>
  );
}

/** "a reviewer or above", "an admin or above", "an owner". */
export function approverText(role: ApproverRole): string {
  if (role === "owner") return "an owner";
  return `${role === "admin" ? "an" : "a"} ${role} or above`;
}

/** Whether a member's console role is high enough for the request's approver role (the lib decides; this only hides buttons that would fail). */
export function ranksFor(role: ConsoleRole, approverRole: ApproverRole): boolean {
  const mine = approverRoles.indexOf(role as ApproverRole);
  return mine >= 0 && mine >= approverRoles.indexOf(approverRole);
}

const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC" });

/** "14:03:07" (UTC, like every time in the console). */
export function formatTimeOfDay(d: Date): string {
  return timeOfDay.format(d);
}

/** "45 s", "10 min", "2 h", "1 h 30 min": a request's lifetime. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
