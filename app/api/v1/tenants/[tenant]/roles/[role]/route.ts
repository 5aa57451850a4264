import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { deleteRole, getRole, updateRole, upsertRole } from "@/lib/policy/roles";

const get = route(operations.getRole, async ({ ctx, params }) => ({ role: await getRole(ctx, params.role!) }));

const put = route(operations.putRole, async ({ ctx, params, body }) => ({ role: await upsertRole(ctx, params.role!, body) }));

const patch = route(operations.updateRole, async ({ ctx, params, body }) => ({ role: await updateRole(ctx, params.role!, body) }));

const remove = route(operations.deleteRole, ({ ctx, params }) => deleteRole(ctx, params.role!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PUT: put, PATCH: patch, DELETE: remove });
