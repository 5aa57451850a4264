import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { cardStyles, linkStyles } from "@/components/styles";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../../tenant-context";
import { ServerForm } from "../_components/server-form";
import { createServerAction } from "../actions";

export const metadata: Metadata = { title: "Add server" };

export default async function NewServerPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  if (!can(ctx.role, "servers.write")) notFound();
  const base = `/${ctx.tenant.slug}/servers`;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={base} className={linkStyles}>
          ← Servers
        </Link>
      </p>
      <PageHeader title="Add a server" description="Register an upstream MCP server by its URL. Agents reach its tools through Gatehouse once a role allows them." />
      <div className={`${cardStyles} max-w-3xl p-5 sm:p-6`}>
        <ServerForm action={createServerAction.bind(null, ctx.tenant.slug)} cancelHref={base} />
      </div>
    </>
  );
}
