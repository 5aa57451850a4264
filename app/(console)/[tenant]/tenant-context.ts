import { redirect } from "next/navigation";
import { cache } from "react";
import { getSignedInUser, requireTenant } from "@/lib/auth/session";

/**
 * The request's tenant context, resolved once per render (layout and page
 * share it). A signed-out visitor goes to sign-in and comes back here after.
 * Server actions call `requireTenant` themselves: each is a request of its own.
 */
export const getTenantContext = cache(async (slug: string) => {
  if (!(await getSignedInUser())) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${slug}`)}`);
  return requireTenant(slug);
});
