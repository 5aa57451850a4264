import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { changeMemberRole, removeMember } from "@/lib/tenancy/members";

export const PATCH = route(operations.changeMemberRole, async ({ ctx, params, body }) => ({
  member: await changeMemberRole(ctx, params.memberId!, body),
}));

export const DELETE = route(operations.removeMember, ({ ctx, params }) => removeMember(ctx, params.memberId!));
