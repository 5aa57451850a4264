import type { Metadata } from "next";
import Link from "next/link";
import { AccountShell } from "@/components/account-shell";
import { PageHeader } from "@/components/page-header";
import { cardStyles, linkStyles } from "@/components/styles";
import { requireUser } from "@/lib/auth/session";
import { listTenantsForUser } from "@/lib/tenancy/tenants";
import { NewTenantForm } from "./_components/new-tenant-form";

export const metadata: Metadata = { title: "New tenant" };

export default async function NewTenantPage() {
  const user = await requireUser();
  const tenants = await listTenantsForUser(user.id);
  return (
    <AccountShell user={user}>
      {tenants[0] ? (
        <p className="mb-6 text-sm">
          <Link href={`/${tenants[0].tenant.slug}`} className={linkStyles}>
            ← Back to {tenants[0].tenant.name}
          </Link>
        </p>
      ) : null}
      <PageHeader
        title="Create a tenant"
        description={
          tenants.length === 0
            ? "You are not a member of any tenant yet. Create one to become its owner, or ask an admin of an existing tenant to add you."
            : "A tenant is an isolated workspace with its own servers, agents, access roles, members and audit log. You become its owner."
        }
      />
      <div className={`${cardStyles} max-w-xl p-6`}>
        <NewTenantForm />
      </div>
    </AccountShell>
  );
}
