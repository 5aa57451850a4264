import { notFound, redirect } from "next/navigation";
import { env } from "@/lib/env";
import type { TenantContext } from "@/lib/tenancy/context";
import { findMembership } from "@/lib/tenancy/tenants";
import { auth } from "./next-auth";
import { findUserById, type User } from "./users";

/**
 * The user behind the request's console session, or null. Checked against the
 * database on every request: a deleted user, a session older than the user's
 * cut-off (password change, sign-out everywhere) or past its absolute lifetime
 * counts as signed out, in every process.
 */
export async function getSignedInUser(): Promise<User | null> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId || !session.authTime) return null;
  if (Date.now() - session.authTime > env.GATEHOUSE_SESSION_MAX_AGE * 1000) return null;
  const user = await findUserById(userId);
  if (!user || session.authTime < user.sessionsValidAfter.getTime()) return null;
  return user;
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo` (a same-site path). */
export async function requireUser(returnTo?: string): Promise<User> {
  const user = await getSignedInUser();
  if (!user) redirect(returnTo ? `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}` : "/sign-in");
  return user;
}

export function userContext(user: User, membership: NonNullable<Awaited<ReturnType<typeof findMembership>>>): TenantContext {
  return {
    tenant: { id: membership.tenant.id, slug: membership.tenant.slug, name: membership.tenant.name },
    actor: { kind: "user", userId: user.id, email: user.email, name: user.name },
    role: membership.role,
  };
}

/** The signed-in user's context in the tenant with this slug; a non-member gets the 404 page. */
export async function requireTenant(slug: string): Promise<TenantContext> {
  const user = await requireUser(`/${encodeURIComponent(slug)}`);
  const membership = await findMembership(user.id, slug);
  if (!membership) notFound();
  return userContext(user, membership);
}
