import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { addMember, listMembers } from "@/lib/tenancy/members";

export const GET = route(operations.listMembers, async ({ ctx }) => ({ members: await listMembers(ctx) }));

export const POST = route(operations.addMember, async ({ ctx, body, req }) => {
  const result = await addMember(ctx, body);
  if (result.kind === "member") return { member: result.member };
  const { path, ...invitation } = result.invitation;
  return { invitation: { ...invitation, url: new URL(path, req.url).toString() } };
});
