import { authenticateAdminToken } from "@/lib/admin-tokens/tokens";
import { getSignedInUser, userContext } from "@/lib/auth/session";
import type { User } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { publicOrigin } from "@/lib/http/public-origin";
import type { TenantContext } from "@/lib/tenancy/context";
import { findMembership } from "@/lib/tenancy/tenants";

/** Who calls the admin API: a signed-in console user, or an admin token bound to one tenant. */
export type ApiPrincipal = { kind: "user"; user: User } | { kind: "token"; ctx: TenantContext };

const NO_CREDENTIALS = 'Sign in to the console, or send an admin token as "Authorization: Bearer gth_adm_…".';

export async function authenticate(req: Request): Promise<ApiPrincipal> {
  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
    const ctx = match ? await authenticateAdminToken(match[1]!) : null;
    if (!ctx) throw new AppError("unauthorized", "The admin token is invalid, expired or revoked.");
    return { kind: "token", ctx };
  }
  const user = await getSignedInUser();
  if (!user) throw new AppError("unauthorized", NO_CREDENTIALS);
  assertSameOrigin(req);
  return { kind: "user", user };
}

/**
 * Session cookies ride along with cross-site requests a browser is tricked into
 * making; refuse state changes whose Origin is not this host.
 */
function assertSameOrigin(req: Request): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (!origin) return;
  const ours = publicOrigin(req.headers);
  if (!ours || hostOf(origin) !== hostOf(ours)) throw new AppError("forbidden", "Cross-origin requests with a console session are refused.");
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The principal's context in the tenant named by the URL. Not being a member
 * and the tenant not existing are the same "not found", for users and tokens.
 */
export async function tenantContextFor(principal: ApiPrincipal, slug: string): Promise<TenantContext> {
  if (principal.kind === "token") {
    if (principal.ctx.tenant.slug !== slug) throw new AppError("not_found", "Tenant not found.");
    return principal.ctx;
  }
  const membership = await findMembership(principal.user.id, slug);
  if (!membership) throw new AppError("not_found", "Tenant not found.");
  return userContext(principal.user, membership);
}
