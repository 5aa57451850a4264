import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { listInvitations } from "@/lib/tenancy/invitations";

const get = route(operations.listInvitations, async ({ ctx }) => ({ invitations: await listInvitations(ctx) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
