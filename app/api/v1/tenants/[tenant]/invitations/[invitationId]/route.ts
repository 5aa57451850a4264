import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { revokeInvitation } from "@/lib/tenancy/invitations";

const remove = route(operations.revokeInvitation, ({ ctx, params }) => revokeInvitation(ctx, params.invitationId!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ DELETE: remove });
