import { approverRoles, type ApproverRole } from "@/db/schema/access";
import type { ConsoleRole } from "@/lib/rbac/permissions";

/**
 * Whether a member with console role `role` may decide a request that names
 * `approverRole`: that role or above (reviewer < admin < owner). Pure, so the
 * console can hide buttons that would fail; the decision itself checks again.
 */
export function ranksAsApprover(role: ConsoleRole, approverRole: ApproverRole): boolean {
  const mine = approverRoles.indexOf(role as ApproverRole);
  return mine >= 0 && mine >= approverRoles.indexOf(approverRole);
}

/** "a reviewer or above", "an admin or above", "an owner". */
export function approverText(role: ApproverRole): string {
  if (role === "owner") return "an owner";
  return `${role === "admin" ? "an" : "a"} ${role} or above`;
}
