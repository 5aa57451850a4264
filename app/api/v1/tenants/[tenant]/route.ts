import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { getTenant, updateTenant } from "@/lib/tenancy/tenants";

export const GET = route(operations.getTenant, async ({ ctx }) => ({ tenant: { ...(await getTenant(ctx)), role: ctx.role } }));

export const PATCH = route(operations.updateTenant, async ({ ctx, body }) => ({
  tenant: { ...(await updateTenant(ctx, body)), role: ctx.role },
}));
