import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { consoleRoles, PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from "@/lib/rbac/permissions";

const get = route(operations.listConsoleRoles, async () => ({
  roles: consoleRoles.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], permissions: ROLE_PERMISSIONS[role] })),
  permissions: Object.entries(PERMISSIONS).map(([permission, description]) => ({ permission, description })),
}));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
