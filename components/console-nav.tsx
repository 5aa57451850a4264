"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType, SVGProps } from "react";
import { cx } from "./cx";
import { AgentsIcon, ApprovalsIcon, AuditIcon, MembersIcon, OverviewIcon, RolesIcon, ServersIcon, SettingsIcon } from "./icons";

type Item = { href: string; label: string; icon: ComponentType<SVGProps<SVGSVGElement>>; soon?: boolean };

const groups: Array<{ title: string | null; items: Item[] }> = [
  { title: null, items: [{ href: "", label: "Overview", icon: OverviewIcon }] },
  {
    title: "Gateway",
    items: [
      { href: "/servers", label: "Servers", icon: ServersIcon },
      { href: "/agents", label: "Agents", icon: AgentsIcon },
      { href: "/roles", label: "Roles", icon: RolesIcon },
      { href: "/approvals", label: "Approvals", icon: ApprovalsIcon },
      { href: "/audit", label: "Audit", icon: AuditIcon },
    ],
  },
  {
    title: "Tenant",
    items: [
      { href: "/members", label: "Members", icon: MembersIcon },
      { href: "/settings", label: "Settings", icon: SettingsIcon },
    ],
  },
];

/**
 * The tenant's navigation: a sidebar on wide screens, a sideways-scrolling row
 * on narrow ones. The current page is marked with aria-current. Approvals
 * carries the number of requests waiting for a decision, when there are any.
 */
export function ConsoleNav({ slug, pendingApprovals }: { slug: string; pendingApprovals?: number }) {
  const pathname = usePathname();
  const base = `/${slug}`;
  const isCurrent = (href: string) => (href === "" ? pathname === base : pathname === base + href || pathname.startsWith(`${base}${href}/`));

  return (
    <nav aria-label="Console" className="md:py-6">
      <div className="-mx-1 flex gap-1 overflow-x-auto px-1 py-2 md:mx-0 md:flex-col md:gap-6 md:overflow-visible md:p-0">
        {groups.map((group) => (
          <div key={group.title ?? "main"} className="flex gap-1 md:flex-col">
            {group.title ? (
              <p className="hidden px-3 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase md:block dark:text-zinc-500">{group.title}</p>
            ) : null}
            <ul className="flex gap-1 md:flex-col">
              {group.items.map(({ href, label, icon: ItemIcon, soon }) => {
                const current = isCurrent(href);
                return (
                  <li key={label}>
                    <Link
                      href={base + href}
                      aria-current={current ? "page" : undefined}
                      className={cx(
                        "flex items-center gap-2.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors",
                        current
                          ? "bg-zinc-200/70 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                          : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100",
                      )}
                    >
                      <ItemIcon className={cx("size-[18px] shrink-0", current ? "text-indigo-600 dark:text-indigo-400" : "text-zinc-400 dark:text-zinc-500")} />
                      {label}
                      {href === "/approvals" && pendingApprovals ? (
                        <span
                          className="ml-auto rounded-full bg-amber-100 px-1.5 py-px text-xs font-semibold text-amber-900 tabular-nums dark:bg-amber-950/60 dark:text-amber-200"
                        >
                          <span aria-hidden="true">{pendingApprovals}</span>
                          <span className="sr-only">({pendingApprovals} waiting)</span>
                        </span>
                      ) : null}
                      {soon ? (
                        <span aria-hidden="true" className="ml-auto hidden rounded bg-zinc-100 px-1.5 py-px text-[10px] font-medium tracking-wide text-zinc-500 uppercase md:inline dark:bg-zinc-800 dark:text-zinc-500">
                          soon
                        </span>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
