import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { toPublicUser } from "@/lib/auth/users";

const get = route(operations.getMe, async ({ principal }) =>
  principal.kind === "user"
    ? { kind: "user", user: toPublicUser(principal.user) }
    : {
        kind: "token",
        token: {
          id: principal.ctx.actor.kind === "token" ? principal.ctx.actor.tokenId : "",
          name: principal.ctx.actor.name,
          role: principal.ctx.role,
          tenant: principal.ctx.tenant,
        },
      },
);

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
