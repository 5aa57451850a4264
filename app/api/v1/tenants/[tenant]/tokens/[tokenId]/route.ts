import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { revokeAdminToken } from "@/lib/admin-tokens/tokens";

const remove = route(operations.revokeAdminToken, ({ ctx, params }) => revokeAdminToken(ctx, params.tokenId!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ DELETE: remove });
