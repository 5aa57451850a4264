import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { createTenant, getTenant, listTenantsForUser } from "@/lib/tenancy/tenants";

export const GET = route(operations.listTenants, async ({ principal }) => {
  if (principal.kind === "token") return { tenants: [{ ...(await getTenant(principal.ctx)), role: principal.ctx.role }] };
  const rows = await listTenantsForUser(principal.user.id);
  return { tenants: rows.map(({ tenant, role }) => ({ ...tenant, role })) };
});

export const POST = route(operations.createTenant, async ({ user, body }) => {
  const tenant = await createTenant(user.id, body);
  return { tenant: { ...tenant, role: "owner" as const } };
});
