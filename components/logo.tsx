import Link from "next/link";

/** The Gatehouse mark: an arched gate. */
export function LogoMark({ className = "size-7" }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className={className}>
      <rect width="32" height="32" rx="8" className="fill-indigo-600 dark:fill-indigo-500" />
      <path d="M9 24V14a7 7 0 0 1 14 0v10" fill="none" stroke="white" strokeWidth="2.25" strokeLinecap="round" />
      <path d="M13 24v-8M16 24v-9.5M19 24v-8M7 24h18" fill="none" stroke="white" strokeWidth="2" strokeLinecap="round" opacity="0.85" />
    </svg>
  );
}

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 rounded-md text-zinc-900 dark:text-zinc-50">
      <LogoMark />
      <span className="sr-only text-[15px] font-semibold tracking-tight sm:not-sr-only">Gatehouse</span>
    </Link>
  );
}
