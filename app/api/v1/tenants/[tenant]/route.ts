import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { getTenant, updateTenant } from "@/lib/tenancy/tenants";

const get = route(operations.getTenant, async ({ ctx }) => ({ tenant: { ...(await getTenant(ctx)), role: ctx.role } }));

const patch = route(operations.updateTenant, async ({ ctx, body }) => ({
  tenant: { ...(await updateTenant(ctx, body)), role: ctx.role },
}));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PATCH: patch });
