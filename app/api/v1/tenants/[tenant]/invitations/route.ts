import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { listInvitations } from "@/lib/tenancy/invitations";

export const GET = route(operations.listInvitations, async ({ ctx }) => ({ invitations: await listInvitations(ctx) }));
