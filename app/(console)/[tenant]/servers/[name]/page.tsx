import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Alert } from "@/components/alert";
import { Badge } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { formatDateTime } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { ServersIcon } from "@/components/icons";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { buttonStyles, linkStyles } from "@/components/styles";
import { can } from "@/lib/rbac/permissions";
import { listCatalog } from "@/lib/registry/catalog";
import { getServer } from "@/lib/registry/servers";
import { getTenantContext } from "../../tenant-context";
import { EnabledToggle } from "../_components/enabled-toggle";
import { ServerStatus, TRANSPORT_LABELS } from "../_components/server-status";
import { TestConnection } from "../_components/test-connection";
import { ToolCatalog } from "../_components/tool-catalog";
import { deleteServerAction, setServerEnabledAction, testServerAction } from "../actions";

type Props = { params: Promise<{ tenant: string; name: string }>; searchParams: Promise<{ registered?: string; saved?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{term}</dt>
      <dd className="mt-1 text-sm break-words text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

export default async function ServerPage({ params, searchParams }: Props) {
  const { tenant: slug, name: rawName } = await params;
  const { registered, saved } = await searchParams;
  const name = decodeURIComponent(rawName);
  const ctx = await getTenantContext(slug);
  const server = await orNotFound(getServer(ctx, name));
  const tools = await listCatalog(ctx, server.name);
  const canWrite = can(ctx.role, "servers.write");
  const tenantSlug = ctx.tenant.slug;
  const base = `/${tenantSlug}/servers`;
  const platform = server.source === "platform";

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={base} className={linkStyles}>
          ← Servers
        </Link>
      </p>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="font-mono">{server.name}</span>
            <ServerStatus server={server} />
          </span>
        }
        description={server.description || (platform ? "Declared by the platform operator." : undefined)}
        actions={
          canWrite ? (
            <>
              <EnabledToggle action={setServerEnabledAction.bind(null, tenantSlug, server.name, !server.enabled)} enabled={server.enabled} serverName={server.name} />
              <Link href={`${base}/${server.name}/edit`} className={buttonStyles.small}>
                Edit<span className="sr-only"> {server.name}</span>
              </Link>
            </>
          ) : null
        }
      />

      <div className="space-y-8">
        {registered ? (
          <Alert tone={server.catalog.error ? "warning" : "success"}>
            {server.catalog.error
              ? "The server is registered, but its tools could not be loaded yet. Check the error under Tool catalog, fix the server or its settings, then test the connection again."
              : `The server is registered with ${server.catalog.toolCount} ${server.catalog.toolCount === 1 ? "tool" : "tools"}. Next, allow agents to use them in an access role.`}
          </Alert>
        ) : saved ? (
          <Alert tone="success">Saved.</Alert>
        ) : null}

        <Section id="connection" title="Connection">
          <dl className="grid gap-x-6 gap-y-5 sm:grid-cols-2 lg:grid-cols-3">
            <Item term="Transport">{TRANSPORT_LABELS[server.transport] ?? server.transport}</Item>
            <Item term="URL">{server.url ? <span className="font-mono text-xs">{server.url}</span> : "Run by the platform operator"}</Item>
            <Item term="Namespace">
              {server.namespace ? (
                <>
                  <span className="font-mono">{server.namespace}</span>
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                    Agents see <span className="font-mono">{server.namespace}__&lt;tool&gt;</span>
                  </span>
                </>
              ) : (
                "None: agents see the upstream's own names"
              )}
            </Item>
            <Item term="Credentials">
              {server.auth.kind === "none" ? "None" : server.auth.kind === "bearer" ? "Bearer token" : "Custom headers"}
              {server.auth.hint ? <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{server.auth.hint}</span> : null}
            </Item>
            <Item term="Timeout">{server.timeoutMs.toLocaleString("en-GB")} ms</Item>
            <Item term="Tags">
              {server.tags.length ? (
                <span className="flex flex-wrap gap-1.5">
                  {server.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </span>
              ) : (
                "None"
              )}
            </Item>
            <Item term="Registered">{formatDateTime(server.createdAt)}</Item>
            <Item term="Last changed">{formatDateTime(server.updatedAt)}</Item>
          </dl>
        </Section>

        {canWrite ? (
          <Section id="test" title="Test connection" description="See what the server offers right now, or why Gatehouse cannot reach it.">
            <TestConnection action={testServerAction.bind(null, tenantSlug, server.name)} />
          </Section>
        ) : null}

        <Section
          id="catalog"
          title="Tool catalog"
          description={
            <>
              {server.catalog.toolCount} {server.catalog.toolCount === 1 ? "tool" : "tools"}, as agents are served them
              {server.catalog.refreshedAt ? `; loaded ${formatDateTime(server.catalog.refreshedAt)}` : ""}. The hash changes when a tool&apos;s definition does.
            </>
          }
          flush
        >
          {server.catalog.error ? (
            <div className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
              <Alert tone="error" title="The last refresh failed">
                <span data-testid="catalog-error">{server.catalog.error}</span>
                {tools.length ? <span className="mt-1 block text-xs">Agents are still served the tools below, from the last successful refresh.</span> : null}
              </Alert>
            </div>
          ) : null}
          {tools.length === 0 ? (
            <EmptyState icon={<ServersIcon />} title="No tools loaded" className="py-10">
              {server.enabled ? (canWrite ? "Test the connection to load them." : "They load when the server is reachable.") : "The server is disabled; enable it to load its tools."}
            </EmptyState>
          ) : (
            <ToolCatalog tools={tools} namespace={server.namespace} />
          )}
        </Section>

        {canWrite && !platform ? (
          <Section id="delete" title="Delete this server" description="Its tools disappear from every agent at once. Roles that name it keep their rules, which then match nothing.">
            <div className="flex justify-start">
              <ConfirmAction
                action={deleteServerAction.bind(null, tenantSlug, server.name)}
                label="Delete server"
                confirmLabel="Yes, delete"
                prompt={`Delete ${server.name}?`}
              />
            </div>
          </Section>
        ) : null}
      </div>
    </>
  );
}
