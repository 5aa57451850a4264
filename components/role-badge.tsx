import type { ConsoleRole } from "@/lib/rbac/permissions";
import { Badge } from "./badge";

export function RoleBadge({ role }: { role: ConsoleRole }) {
  return <Badge tone={role === "owner" || role === "admin" ? "accent" : "neutral"}>{role}</Badge>;
}
