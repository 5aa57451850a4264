import { consoleRoles, type ConsoleRole } from "@/db/schema/tenancy";
import { AppError } from "@/lib/errors";

export { consoleRoles, type ConsoleRole };

/** Every permission in the console and the admin API, with what it lets a member do. */
export const PERMISSIONS = {
  "tenant.read": "See the tenant and its settings",
  "tenant.update": "Rename the tenant",
  "members.read": "See members and invitations",
  "members.write": "Invite members, change their roles, remove them",
  "members.manage_owners": "Make members owners, demote or remove owners",
  "tokens.read": "See admin API tokens",
  "tokens.write": "Create and revoke admin API tokens",
  "servers.read": "See upstream MCP servers and their tools",
  "servers.write": "Register, edit and disable upstream MCP servers",
  "agents.read": "See agents and their keys",
  "agents.write": "Create agents, issue and revoke their keys",
  "roles.read": "See access roles and rules",
  "roles.write": "Edit access roles and rules",
  "approvals.read": "See approval requests",
  "approvals.decide": "Approve or deny held tool calls",
  "audit.read": "Search the audit log",
  "audit.export": "Export the audit log",
  "audit.settings": "Change how the audit log records: redaction, result size, full payloads, retention, fail-open",
  "audit.read_payloads": "Read the full, unredacted payloads a tenant keeps",
} as const;

export type Permission = keyof typeof PERMISSIONS;

const ALL = Object.keys(PERMISSIONS) as Permission[];
const READ_CONFIG: Permission[] = ["tenant.read", "members.read", "servers.read", "agents.read", "roles.read"];

export const ROLE_PERMISSIONS: Record<ConsoleRole, readonly Permission[]> = {
  owner: ALL,
  // Full payloads are for the people who answer for the log, not for those who configure the tenant.
  admin: ALL.filter((p) => p !== "members.manage_owners" && p !== "audit.read_payloads"),
  reviewer: [...READ_CONFIG, "approvals.read", "approvals.decide", "audit.read"],
  auditor: [...READ_CONFIG, "tokens.read", "approvals.read", "audit.read", "audit.export", "audit.read_payloads"],
  viewer: [...READ_CONFIG, "approvals.read"],
};

export const ROLE_DESCRIPTIONS: Record<ConsoleRole, string> = {
  owner: "Everything, including managing other owners.",
  admin: "Configures the tenant: servers, agents, roles, members and tokens.",
  reviewer: "Decides held tool calls and reads the audit log.",
  auditor: "Reads and exports the audit log; changes nothing.",
  viewer: "Reads the configuration; changes nothing.",
};

export function can(role: ConsoleRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function assertCan(subject: { role: ConsoleRole }, permission: Permission): void {
  if (!can(subject.role, permission)) {
    throw new AppError("forbidden", `Your role (${subject.role}) does not allow this: ${PERMISSIONS[permission].toLowerCase()}.`);
  }
}
