import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { Badge } from "@/components/badge";
import { formatDateTime } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { PlusIcon, ServersIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { buttonStyles, linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { can } from "@/lib/rbac/permissions";
import { listServers } from "@/lib/registry/servers";
import { getTenantContext } from "../tenant-context";
import { EnabledToggle } from "./_components/enabled-toggle";
import { ServerStatus, TRANSPORT_LABELS } from "./_components/server-status";
import { setServerEnabledAction } from "./actions";

export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ deleted?: string }> }) {
  const { tenant: slug } = await params;
  const { deleted } = await searchParams;
  const ctx = await getTenantContext(slug);
  const servers = await listServers(ctx);
  const canWrite = can(ctx.role, "servers.write");
  const base = `/${ctx.tenant.slug}/servers`;

  return (
    <>
      <PageHeader
        title="Servers"
        description="The upstream MCP servers this tenant's agents reach through the gateway. Gatehouse holds their credentials; agents only ever hold their own key."
        actions={
          canWrite ? (
            <Link href={`${base}/new`} className={buttonStyles.primary}>
              <PlusIcon className="size-4" />
              Add server
            </Link>
          ) : null
        }
      />
      {deleted ? (
        <Alert tone="success" className="mb-6">
          The server <span className="font-mono">{deleted}</span> was deleted. Its tools are gone from every agent.
        </Alert>
      ) : null}
      <Section id="servers" title="Registered servers" description={`${servers.length} ${servers.length === 1 ? "server" : "servers"}`} flush>
        {servers.length === 0 ? (
          <EmptyState icon={<ServersIcon />} title="No servers yet">
            {canWrite ? "Add the first upstream MCP server by its URL; Gatehouse loads its tools at once." : "An owner or admin can add one."}
          </EmptyState>
        ) : (
          <Table caption="Upstream servers" minWidth="64rem">
            <TableHead columns={["Name", "Transport", "URL", "Status", "Tools", "Catalog", "Last refreshed"]} actions={canWrite} />
            <tbody>
              {servers.map((s) => (
                <tr key={s.id} data-server={s.name} className={s.enabled ? undefined : "text-zinc-500"}>
                  <Td className="font-medium whitespace-nowrap">
                    <Link href={`${base}/${s.name}`} className={`${linkStyles} font-mono`}>
                      {s.name}
                    </Link>
                    {s.description ? <span className="mt-0.5 block max-w-56 truncate text-xs font-normal text-zinc-500 dark:text-zinc-400" title={s.description}>{s.description}</span> : null}
                  </Td>
                  <Td className="whitespace-nowrap">{TRANSPORT_LABELS[s.transport] ?? s.transport}</Td>
                  <Td className="max-w-72">
                    {s.url ? (
                      <span className="block truncate font-mono text-xs" title={s.url}>
                        {s.url}
                      </span>
                    ) : (
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">Run by the platform</span>
                    )}
                  </Td>
                  <Td>
                    <ServerStatus server={s} />
                  </Td>
                  <Td className="tabular-nums">{s.catalog.toolCount}</Td>
                  <Td className="max-w-64">
                    {s.catalog.error ? (
                      <span className="block truncate text-xs font-medium text-red-700 dark:text-red-400" title={s.catalog.error}>
                        {s.catalog.error}
                      </span>
                    ) : s.catalog.refreshedAt ? (
                      <Badge tone="success">OK</Badge>
                    ) : (
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">Not loaded</span>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">{s.catalog.refreshedAt ? formatDateTime(s.catalog.refreshedAt) : "Never"}</Td>
                  {canWrite ? (
                    <Td className="text-right">
                      <EnabledToggle action={setServerEnabledAction.bind(null, ctx.tenant.slug, s.name, !s.enabled)} enabled={s.enabled} serverName={s.name} />
                    </Td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Section>
    </>
  );
}
