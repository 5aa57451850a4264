import type { ConsoleRole } from "@/lib/rbac/permissions";

export type Actor =
  | { kind: "user"; userId: string; email: string; name: string }
  | { kind: "token"; tokenId: string; name: string }
  /** Someone with the server's database at hand, on its command line (e.g. verifying the audit chain). */
  | { kind: "operator"; name: string };

/**
 * Who is acting, in which tenant, with which console role. Built only by the
 * authentication layer (session or admin token), never from request input.
 */
export type TenantContext = {
  tenant: { id: string; slug: string; name: string };
  actor: Actor;
  role: ConsoleRole;
};

export function actorUserId(ctx: TenantContext): string | null {
  return ctx.actor.kind === "user" ? ctx.actor.userId : null;
}
