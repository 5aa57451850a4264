import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createAdminToken, listAdminTokens } from "@/lib/admin-tokens/tokens";

const get = route(operations.listAdminTokens, async ({ ctx }) => ({ tokens: await listAdminTokens(ctx) }));

const post = route(operations.createAdminToken, ({ ctx, body }) => createAdminToken(ctx, body));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
