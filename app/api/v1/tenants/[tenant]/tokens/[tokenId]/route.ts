import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { revokeAdminToken } from "@/lib/admin-tokens/tokens";

export const DELETE = route(operations.revokeAdminToken, ({ ctx, params }) => revokeAdminToken(ctx, params.tokenId!));
