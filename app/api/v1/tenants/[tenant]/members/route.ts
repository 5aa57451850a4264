import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { publicOrigin } from "@/lib/http/public-origin";
import { addMember, listMembers } from "@/lib/tenancy/members";

const get = route(operations.listMembers, async ({ ctx }) => ({ members: await listMembers(ctx) }));

const post = route(operations.addMember, async ({ ctx, body, req }) => {
  const result = await addMember(ctx, body);
  if (result.kind === "member") return { member: result.member };
  const { path, ...invitation } = result.invitation;
  return { invitation: { ...invitation, url: (publicOrigin(req.headers) || new URL(req.url).origin) + path } };
});

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
