import { cookies } from "next/headers";
import Link from "next/link";
import { findMembership } from "@/lib/tenancy/tenants";
import { cx } from "./cx";
import { buttonStyles, linkStyles } from "./styles";

/** Set by the setup page when it also created a demo tenant; read by the notice below. */
export const DEMO_NOTICE_COOKIE = "gatehouse_demo_notice";

async function dismiss() {
  "use server";
  (await cookies()).delete(DEMO_NOTICE_COOKIE);
}

/**
 * After first-run setup with the demo option: says where the demo tenant is
 * and how to try it, until dismissed. Shows nothing to anyone who is not a
 * member of that tenant, and nothing inside the demo tenant itself.
 */
export async function DemoTenantNotice({ userId, current, className }: { userId: string; current: string; className?: string }) {
  const slug = (await cookies()).get(DEMO_NOTICE_COOKIE)?.value;
  if (!slug || slug === current) return null;
  const membership = await findMembership(userId, slug);
  if (!membership) return null;
  return (
    <div
      role="status"
      className={cx(
        "flex flex-col gap-3 rounded-lg border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm text-indigo-900 sm:flex-row sm:items-center sm:justify-between dark:border-indigo-900/60 dark:bg-indigo-950/40 dark:text-indigo-200",
        className,
      )}
    >
      <p>
        A demo tenant, <span className="font-medium">{membership.tenant.name}</span>, was created with example tools, a role and an agent.{" "}
        <Link href={`/${slug}/agents`} className={linkStyles}>
          Issue its agent a key and connect
        </Link>
        .
      </p>
      <form action={dismiss}>
        <button type="submit" className={buttonStyles.ghost}>
          Dismiss
        </button>
      </form>
    </div>
  );
}
