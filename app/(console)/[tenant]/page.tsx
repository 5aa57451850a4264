import type { Metadata } from "next";
import Link from "next/link";
import type { ComponentType, SVGProps } from "react";
import { headers } from "next/headers";
import { Badge } from "@/components/badge";
import { CodeBlock } from "@/components/code-block";
import { DemoTenantNotice } from "@/components/demo-tenant-notice";
import { AgentsIcon, ApprovalsIcon, ArrowRightIcon, AuditIcon, MembersIcon, RolesIcon, ServersIcon, SettingsIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { RoleBadge } from "@/components/role-badge";
import { cardStyles } from "@/components/styles";
import { publicOrigin } from "@/lib/http/public-origin";
import { ROLE_DESCRIPTIONS } from "@/lib/rbac/permissions";
import { actorUserId } from "@/lib/tenancy/context";
import { listMembers } from "@/lib/tenancy/members";
import { PendingApprovalsBadge } from "./approvals/_components/pending-badge";
import { getTenantContext } from "./tenant-context";

export const metadata: Metadata = { title: "Overview" };

// Link texts name the task, not the area, so each nav link's name stays unique on the page.
type QuickLink = { href: string; title: string; text: string; action?: string; icon: ComponentType<SVGProps<SVGSVGElement>>; soon?: boolean };

const links: QuickLink[] = [
  { href: "/members", title: "Members", text: "Invite people, set their console roles, remove access.", action: "Invite a person", icon: MembersIcon },
  { href: "/settings", title: "Settings", text: "Rename the tenant and manage admin API tokens.", action: "Create an API token", icon: SettingsIcon },
  { href: "/servers", title: "Servers", text: "Register the upstream MCP servers agents may reach.", action: "Add a server", icon: ServersIcon },
  { href: "/agents", title: "Agents", text: "Give each agent an identity, keys and roles; connect its client.", action: "Create an agent", icon: AgentsIcon },
  { href: "/roles", title: "Roles", text: "Decide which agent may call which tool.", action: "Edit access rules", icon: RolesIcon },
  { href: "/approvals", title: "Approvals", text: "Let a person approve sensitive tool calls, live, before they reach the upstream.", action: "Review held calls", icon: ApprovalsIcon },
  { href: "/audit", title: "Audit", text: "Every agent request: who called what, the decision and the outcome.", action: "Search the audit log", icon: AuditIcon },
];

export default async function OverviewPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  const members = await listMembers(ctx);
  const base = `/${ctx.tenant.slug}`;
  const endpoint = `${publicOrigin(await headers()) || ""}/t/${ctx.tenant.slug}/mcp`;

  return (
    <>
      <PageHeader title={ctx.tenant.name} description="Overview of this tenant: who administers it and where each part of the gateway is configured." />
      <DemoTenantNotice userId={actorUserId(ctx) ?? ""} current={ctx.tenant.slug} className="mb-6" />

      <dl className="grid gap-4 sm:grid-cols-3">
        <div className={`${cardStyles} p-5`}>
          <dt className="text-sm text-zinc-500 dark:text-zinc-400">Slug</dt>
          <dd className="mt-2 font-mono text-lg font-medium text-zinc-900 dark:text-zinc-50">{ctx.tenant.slug}</dd>
        </div>
        <div className={`${cardStyles} p-5`}>
          <dt className="text-sm text-zinc-500 dark:text-zinc-400">Your role</dt>
          <dd className="mt-2">
            <RoleBadge role={ctx.role} />
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{ROLE_DESCRIPTIONS[ctx.role]}</p>
          </dd>
        </div>
        <div className={`${cardStyles} p-5`}>
          <dt className="text-sm text-zinc-500 dark:text-zinc-400">Members</dt>
          <dd className="mt-2 text-lg font-medium text-zinc-900 dark:text-zinc-50">
            {members.length}
            <Link href={`${base}/members`} className="ml-2 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              View
            </Link>
          </dd>
        </div>
      </dl>

      <section aria-labelledby="endpoint-heading" className="mt-6">
        <h2 id="endpoint-heading" className="mb-2 text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          MCP endpoint
        </h2>
        <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
          Agents connect here with an agent key (streamable HTTP). Each agent sees the tools its roles allow; every request is audited.
        </p>
        <CodeBlock code={endpoint} testId="mcp-endpoint" title="Endpoint URL" copyLabel="Copy endpoint URL" />
      </section>

      <h2 className="mt-10 mb-4 text-base font-semibold text-zinc-900 dark:text-zinc-50">Areas</h2>
      <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {links.map(({ href, title, text, action, icon: LinkIcon, soon }) => (
          <li key={href} className={`${cardStyles} flex items-start gap-3 p-4`}>
            <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
              <LinkIcon className="size-[18px]" />
            </span>
            <div className="min-w-0 flex-1">
              <h3 className="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
                {title}
                {soon ? <Badge>Coming soon</Badge> : null}
                {href === "/approvals" ? <PendingApprovalsBadge /> : null}
              </h3>
              <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{text}</p>
              {action ? (
                <Link href={base + href} className="mt-2 inline-flex items-center gap-1 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  {action}
                  <ArrowRightIcon className="size-3.5" />
                </Link>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
