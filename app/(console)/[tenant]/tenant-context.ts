import { cache } from "react";
import { requireTenant } from "@/lib/auth/session";

/**
 * The request's tenant context, resolved once per render (layout and page
 * share it). A signed-out visitor goes to sign-in and comes back here after.
 * Server actions call `requireTenant` themselves: each is a request of its own.
 */
export const getTenantContext = cache((slug: string) => requireTenant(slug));
