import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createTenant, getTenant, listTenantsForUser } from "@/lib/tenancy/tenants";

const get = route(operations.listTenants, async ({ principal }) => {
  if (principal.kind === "token") return { tenants: [{ ...(await getTenant(principal.ctx)), role: principal.ctx.role }] };
  const rows = await listTenantsForUser(principal.user.id);
  return { tenants: rows.map(({ tenant, role }) => ({ ...tenant, role })) };
});

const post = route(operations.createTenant, async ({ user, body }) => {
  const tenant = await createTenant(user.id, body);
  return { tenant: { ...tenant, role: "owner" as const } };
});

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
