import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { revokeInvitation } from "@/lib/tenancy/invitations";

export const DELETE = route(operations.revokeInvitation, ({ ctx, params }) => revokeInvitation(ctx, params.invitationId!));
