import { Badge, type BadgeTone } from "@/components/badge";
import type { Approval } from "@/db/schema";

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
