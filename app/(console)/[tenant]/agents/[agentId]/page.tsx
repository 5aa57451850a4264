import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { Badge } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { formatDate, formatDateTime } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { KeyIcon } from "@/components/icons";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { getAgent } from "@/lib/agents/agents";
import { listAgentKeys, type AgentKey } from "@/lib/agents/keys";
import { publicOrigin } from "@/lib/http/public-origin";
import { listRoles } from "@/lib/policy/roles";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../../tenant-context";
import { AgentForm } from "../_components/agent-form";
import { ConnectPanel } from "../_components/connect-panel";
import { IssueKeyForm } from "../_components/issue-key-form";
import { IssuedKeyProvider } from "../_components/issued-key";
import { Labels } from "../_components/labels";
import { deleteAgentAction, issueKeyAction, revokeKeyAction, updateAgentAction } from "../actions";

type Props = { params: Promise<{ tenant: string; agentId: string }>; searchParams: Promise<{ created?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { tenant, agentId } = await params;
  const agent = await getAgent(await getTenantContext(tenant), agentId).catch(() => undefined);
  return { title: agent?.name ?? "Agent" };
}

function keyStatus(k: AgentKey, now: number) {
  if (k.revokedAt) return <Badge tone="danger">Revoked {formatDate(k.revokedAt)}</Badge>;
  if (k.expiresAt && k.expiresAt.getTime() <= now) return <Badge tone="warning">Expired</Badge>;
  return <Badge tone="success">Active</Badge>;
}

export default async function AgentPage({ params, searchParams }: Props) {
  const { tenant: slug, agentId } = await params;
  const { created } = await searchParams;
  const ctx = await getTenantContext(slug);
  const agent = await orNotFound(getAgent(ctx, agentId));
  const canWrite = can(ctx.role, "agents.write");
  const [keys, roles] = await Promise.all([listAgentKeys(ctx, agent.id), canWrite ? listRoles(ctx) : Promise.resolve([])]);
  const tenantSlug = ctx.tenant.slug;
  const base = `/${tenantSlug}`;
  const origin = publicOrigin(await headers());
  const endpoint = `${origin}/t/${tenantSlug}/mcp`;
  const now = Date.now();

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`${base}/agents`} className={linkStyles}>
          ← Agents
        </Link>
      </p>
      <PageHeader title={agent.name} description={agent.description || undefined} />

      <div className="space-y-8">
        {created ? (
          <Alert tone="success">
            The agent is created.{" "}
            {agent.roles.length ? "Issue it a key below and connect an MCP client." : "It holds no role yet, so it sees no tools; give it one under Details."}
          </Alert>
        ) : null}

        <dl className="grid gap-4 sm:grid-cols-3">
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Roles</dt>
            <dd className="mt-1.5">
              {agent.roles.length ? (
                <span className="flex flex-wrap gap-1.5">
                  {agent.roles.map((r) => (
                    <Link key={r} href={`${base}/roles/${encodeURIComponent(r)}`} className="rounded-full">
                      <Badge tone="accent">{r}</Badge>
                    </Link>
                  ))}
                </span>
              ) : (
                <span className="text-sm text-zinc-600 dark:text-zinc-400">None: it sees no tools (deny by default)</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Labels</dt>
            <dd className="mt-1.5">
              <Labels labels={agent.labels} />
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Active keys</dt>
            <dd className="mt-1.5 text-sm text-zinc-800 dark:text-zinc-200">{agent.activeKeys}</dd>
          </div>
        </dl>

        <IssuedKeyProvider>
          <Section id="keys" title="Keys" description="An MCP client authenticates as this agent with one of its keys. Keys are stored hashed and shown once." flush>
            {canWrite ? (
              <div className="border-b border-zinc-200 px-5 py-5 dark:border-zinc-800">
                <h3 className="mb-4 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Issue a key</h3>
                <IssueKeyForm action={issueKeyAction.bind(null, tenantSlug, agent.id)} />
              </div>
            ) : null}
            {keys.length === 0 ? (
              <EmptyState icon={<KeyIcon />} title="No keys yet" className="py-10">
                {canWrite ? "Issue one above to connect an MCP client." : "An owner or admin can issue one."}
              </EmptyState>
            ) : (
              <Table caption="Keys of this agent" minWidth={canWrite ? "56rem" : "48rem"}>
                <TableHead columns={["Name", "Key", "Created", "Last used", "Expires", "Status"]} actions={canWrite} />
                <tbody>
                  {keys.map((k) => (
                    <tr key={k.id} data-key-name={k.name} className={k.revokedAt ? "opacity-70" : undefined}>
                      <Td className="font-medium text-zinc-900 dark:text-zinc-100">{k.name}</Td>
                      <Td className="font-mono text-xs whitespace-nowrap">{k.displayPrefix}…</Td>
                      <Td className="whitespace-nowrap">{formatDate(k.createdAt)}</Td>
                      <Td className="whitespace-nowrap">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}</Td>
                      <Td className="whitespace-nowrap">{k.expiresAt ? formatDate(k.expiresAt) : "Never"}</Td>
                      <Td className="whitespace-nowrap">{keyStatus(k, now)}</Td>
                      {canWrite ? (
                        <Td className="text-right">
                          {k.revokedAt ? null : (
                            <ConfirmAction
                              action={revokeKeyAction.bind(null, tenantSlug, agent.id, k.id)}
                              label="Revoke"
                              confirmLabel="Yes, revoke"
                              prompt={`Revoke "${k.name}"? Clients using it fail at once.`}
                            />
                          )}
                        </Td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Section>

          <Section id="connect" title="Connect" description="Point an MCP client at the gateway as this agent. It sees only the tools its roles allow.">
            <ConnectPanel endpoint={endpoint} serverName={`gatehouse-${tenantSlug}`} canIssue={canWrite} />
          </Section>
        </IssuedKeyProvider>

        {canWrite ? (
          <Section id="details" title="Details" description="Name, labels and the access roles this agent holds. Changes apply to its next request.">
            <AgentForm
              action={updateAgentAction.bind(null, tenantSlug, agent.id)}
              agent={{ name: agent.name, description: agent.description, labels: agent.labels, roles: agent.roles }}
              roles={roles.map((r) => ({ name: r.name, description: r.description, ruleCount: r.rules.length }))}
              rolesHref={`${base}/roles`}
            />
          </Section>
        ) : null}

        {canWrite ? (
          <Section id="delete" title="Delete this agent" description="Its keys stop working at once. Its past calls stay in the audit log under its name.">
            <div className="flex justify-start">
              <ConfirmAction action={deleteAgentAction.bind(null, tenantSlug, agent.id)} label="Delete agent" confirmLabel="Yes, delete" prompt={`Delete ${agent.name}?`} />
            </div>
          </Section>
        ) : null}
      </div>
    </>
  );
}
