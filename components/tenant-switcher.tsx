"use client";

import Link from "next/link";
import { useRef } from "react";
import { usePathname, useRouter } from "next/navigation";
import { PlusIcon } from "./icons";
import { selectStyles } from "./styles";

/**
 * Switches between the tenants the user belongs to, staying on the same area
 * (Members stays Members). Lists only the user's own tenants.
 * A pick with the mouse switches at once; arrow keys only move the selection
 * (Chromium fires `change` on each one) and Enter switches.
 */
export function TenantSwitcher({ current, tenants }: { current: string; tenants: Array<{ slug: string; name: string }> }) {
  const router = useRouter();
  const pathname = usePathname();
  const browsingWithKeys = useRef(false);

  function go(slug: string) {
    if (slug === current) return;
    const area = pathname.split("/")[2];
    router.push(area ? `/${slug}/${area}` : `/${slug}`);
  }

  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor="tenant-switcher" className="sr-only text-xs font-medium text-zinc-500 sm:not-sr-only dark:text-zinc-400">
        Tenant
      </label>
      <select
        key={current}
        id="tenant-switcher"
        defaultValue={current}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            browsingWithKeys.current = false;
            go(e.currentTarget.value);
          } else if (e.key.startsWith("Arrow") || e.key === "Home" || e.key === "End" || e.key.length === 1) {
            browsingWithKeys.current = true;
          }
        }}
        onChange={(e) => {
          if (!browsingWithKeys.current) go(e.target.value);
        }}
        onBlur={(e) => {
          // Leaving without Enter is not a choice: put the selection back.
          browsingWithKeys.current = false;
          e.currentTarget.value = current;
        }}
        aria-description="Enter switches to the selected tenant"
        className={`${selectStyles()} h-8 w-40 max-w-[16rem] min-w-0 truncate font-medium sm:w-auto`}
      >
        {tenants.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name}
          </option>
        ))}
      </select>
      <Link
        href="/tenants/new"
        className="inline-flex size-8 shrink-0 items-center justify-center rounded-md border border-zinc-300 text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
        title="New tenant"
      >
        <PlusIcon className="size-4" />
        <span className="sr-only">New tenant</span>
      </Link>
    </div>
  );
}
