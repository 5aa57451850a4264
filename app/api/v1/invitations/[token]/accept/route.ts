import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { toPublicUser } from "@/lib/auth/users";
import { acceptInvitationWithSignUp } from "@/lib/tenancy/invitations";

const post = route(operations.acceptInvitation, async ({ params, body }) => {
  const { user, tenantSlug } = await acceptInvitationWithSignUp(params.token!, body);
  return { user: toPublicUser(user), tenant: { slug: tenantSlug } };
});

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
