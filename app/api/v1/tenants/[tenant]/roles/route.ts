import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createRole, listRoles } from "@/lib/policy/roles";

const get = route(operations.listRoles, async ({ ctx }) => ({ roles: await listRoles(ctx) }));

const post = route(operations.createRole, async ({ ctx, body }) => ({ role: await createRole(ctx, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
