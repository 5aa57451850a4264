import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { toPublicUser } from "@/lib/auth/users";
import { completeSetup } from "@/lib/tenancy/setup";

const post = route(operations.setup, async ({ body }) => {
  const { user, tenant } = await completeSetup(body);
  return { user: toPublicUser(user), tenant };
});

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
