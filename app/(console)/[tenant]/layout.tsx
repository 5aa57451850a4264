import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { SkipLink } from "@/components/skip-link";
import { TenantSwitcher } from "@/components/tenant-switcher";
import { countPendingApprovals } from "@/lib/approvals/queries";
import { can } from "@/lib/rbac/permissions";
import { listTenantsForUser } from "@/lib/tenancy/tenants";
import { ApprovalsLiveProvider, LiveConsoleNav } from "./approvals/_components/live";
import { getTenantContext } from "./tenant-context";

export default async function ConsoleLayout({ children, params }: { children: ReactNode; params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug); // non-members get the same 404 as a tenant that does not exist
  if (ctx.actor.kind !== "user") throw new Error("The console is for people; tokens use the admin API.");
  const user = ctx.actor;
  const [memberships, pendingApprovals] = await Promise.all([
    listTenantsForUser(user.userId),
    can(ctx.role, "approvals.read") ? countPendingApprovals(ctx) : Promise.resolve(null),
  ]);

  return (
    <ApprovalsLiveProvider slug={ctx.tenant.slug} initialPending={pendingApprovals}>
      <SkipLink />
      <AppHeader user={user}>
        <TenantSwitcher current={ctx.tenant.slug} tenants={memberships.map((m) => ({ slug: m.tenant.slug, name: m.tenant.name }))} />
      </AppHeader>
      <div className="mx-auto w-full max-w-7xl px-4 sm:px-6 md:flex md:gap-8">
        <aside className="border-b border-zinc-200 md:sticky md:top-14 md:h-[calc(100dvh-3.5rem)] md:w-52 md:shrink-0 md:overflow-y-auto md:border-r md:border-b-0 md:pr-4 dark:border-zinc-800">
          <LiveConsoleNav slug={ctx.tenant.slug} />
        </aside>
        <main id="content" tabIndex={-1} className="min-w-0 flex-1 py-8 outline-none md:py-10">
          {children}
        </main>
      </div>
    </ApprovalsLiveProvider>
  );
}
