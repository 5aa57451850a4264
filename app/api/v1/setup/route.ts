import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { toPublicUser } from "@/lib/auth/users";
import { completeSetup } from "@/lib/tenancy/setup";

export const POST = route(operations.setup, async ({ body }) => {
  const { user, tenant } = await completeSetup(body);
  return { user: toPublicUser(user), tenant };
});
