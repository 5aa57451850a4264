import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { createAdminToken, listAdminTokens } from "@/lib/admin-tokens/tokens";

export const GET = route(operations.listAdminTokens, async ({ ctx }) => ({ tokens: await listAdminTokens(ctx) }));

export const POST = route(operations.createAdminToken, ({ ctx, body }) => createAdminToken(ctx, body));
