import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { cardStyles, linkStyles } from "@/components/styles";
import { can } from "@/lib/rbac/permissions";
import { listRoles } from "@/lib/policy/roles";
import { getTenantContext } from "../../tenant-context";
import { AgentForm } from "../_components/agent-form";
import { createAgentAction } from "../actions";

export const metadata: Metadata = { title: "New agent" };

export default async function NewAgentPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  if (!can(ctx.role, "agents.write")) notFound();
  const roles = await listRoles(ctx);
  const base = `/${ctx.tenant.slug}`;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`${base}/agents`} className={linkStyles}>
          ← Agents
        </Link>
      </p>
      <PageHeader title="New agent" description="An identity for one MCP client or automation. After creating it, issue it a key and connect." />
      <div className={`${cardStyles} max-w-3xl p-5 sm:p-6`}>
        <AgentForm
          action={createAgentAction.bind(null, ctx.tenant.slug)}
          roles={roles.map((r) => ({ name: r.name, description: r.description, ruleCount: r.rules.length }))}
          rolesHref={`${base}/roles`}
          cancelHref={`${base}/agents`}
        />
      </div>
    </>
  );
}
