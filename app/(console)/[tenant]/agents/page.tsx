import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/badge";
import { formatDate } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { AgentsIcon, PlusIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { buttonStyles, linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { listAgents } from "@/lib/agents/agents";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../tenant-context";
import { Labels } from "./_components/labels";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  const agents = await listAgents(ctx);
  const canWrite = can(ctx.role, "agents.write");
  const base = `/${ctx.tenant.slug}`;

  return (
    <>
      <PageHeader
        title="Agents"
        description="Machine identities that call tools through the gateway. Each has its own keys, and its access roles decide what it may use."
        actions={
          canWrite ? (
            <Link href={`${base}/agents/new`} className={buttonStyles.primary}>
              <PlusIcon className="size-4" />
              New agent
            </Link>
          ) : null
        }
      />
      <Section id="agents" title="All agents" description={`${agents.length} ${agents.length === 1 ? "agent" : "agents"}`} flush>
        {agents.length === 0 ? (
          <EmptyState icon={<AgentsIcon />} title="No agents yet">
            {canWrite ? "Create one, give it a role, and issue it a key to connect an MCP client." : "An owner or admin can create one."}
          </EmptyState>
        ) : (
          <Table caption="Agents" minWidth="48rem">
            <TableHead columns={["Name", "Labels", "Roles", "Active keys", "Created"]} />
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-agent={a.name}>
                  <Td className="font-medium">
                    <Link href={`${base}/agents/${a.id}`} className={linkStyles}>
                      {a.name}
                    </Link>
                    {a.description ? (
                      <span className="mt-0.5 block max-w-64 truncate text-xs font-normal text-zinc-500 dark:text-zinc-400" title={a.description}>
                        {a.description}
                      </span>
                    ) : null}
                  </Td>
                  <Td>
                    <Labels labels={a.labels} />
                  </Td>
                  <Td>
                    {a.roles.length ? (
                      <span className="flex flex-wrap gap-1.5">
                        {a.roles.map((r) => (
                          <Link key={r} href={`${base}/roles/${encodeURIComponent(r)}`} className="rounded-full focus-visible:outline-offset-1">
                            <Badge tone="accent">{r}</Badge>
                          </Link>
                        ))}
                      </span>
                    ) : (
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">None: sees no tools</span>
                    )}
                  </Td>
                  <Td className="tabular-nums">{a.activeKeys === 0 ? <span className="text-zinc-500 dark:text-zinc-400">0</span> : a.activeKeys}</Td>
                  <Td className="whitespace-nowrap">{formatDate(a.createdAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Section>
    </>
  );
}
