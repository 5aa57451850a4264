import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { changeMemberRole, removeMember } from "@/lib/tenancy/members";

const patch = route(operations.changeMemberRole, async ({ ctx, params, body }) => ({
  member: await changeMemberRole(ctx, params.memberId!, body),
}));

const remove = route(operations.removeMember, ({ ctx, params }) => removeMember(ctx, params.memberId!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ PATCH: patch, DELETE: remove });
