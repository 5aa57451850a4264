import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "")).toUpperCase();
}

/** The signed-in person in the header: a link to their account and a sign-out button. */
export function UserNav({ user }: { user: { name: string; email: string } }) {
  return (
    <div className="flex items-center gap-1">
      <Link
        href="/account"
        className="flex items-center gap-2 rounded-md px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
        aria-label={`Account (${user.name})`}
        title={`${user.name} <${user.email}>`}
      >
        <span aria-hidden="true" className="flex size-7 items-center justify-center rounded-full bg-zinc-200 text-xs font-semibold text-zinc-700 dark:bg-zinc-700 dark:text-zinc-100">
          {initials(user.name)}
        </span>
        <span className="hidden max-w-[10rem] truncate font-medium lg:inline">{user.name}</span>
      </Link>
      <SignOutButton />
    </div>
  );
}
