import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { ConfirmAction } from "@/components/confirm-action";
import { EmptyState } from "@/components/empty-state";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { CONDITION_REFERENCE } from "@/lib/policy/cel";
import { getRole } from "@/lib/policy/roles";
import { listSimulationChoices } from "@/lib/policy/simulate";
import { can } from "@/lib/rbac/permissions";
import { listServers } from "@/lib/registry/servers";
import { getTenantContext } from "../../tenant-context";
import { approvalText, EffectBadge } from "../_components/decision-view";
import { RoleDetailsForm } from "../_components/role-details-form";
import { RoleWorkbench } from "../_components/role-workbench";
import { RulesLegend } from "../_components/rules-legend";
import { checkConditionAction, deleteRoleAction, replayAction, saveRulesAction, simulateAction, updateRoleDetailsAction } from "../actions";

type Props = { params: Promise<{ tenant: string; name: string }>; searchParams: Promise<{ created?: string; renamed?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Role ${decodeURIComponent((await params).name)}` };
}

export default async function RolePage({ params, searchParams }: Props) {
  const { tenant: slug, name: rawName } = await params;
  const { created, renamed } = await searchParams;
  const ctx = await getTenantContext(slug);
  const role = await orNotFound(getRole(ctx, decodeURIComponent(rawName)));
  const canWrite = can(ctx.role, "roles.write");
  const servers = can(ctx.role, "servers.read") ? await listServers(ctx) : [];
  const choices = await listSimulationChoices(ctx, role.name);
  const tenantSlug = ctx.tenant.slug;
  const base = `/${tenantSlug}`;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`${base}/roles`} className={linkStyles}>
          ← Roles
        </Link>
      </p>
      <PageHeader title={role.name} description={role.description || undefined} />
      <div className="space-y-8">
        {created ? <Alert tone="success">The role is created. Add its rules below, then give it to agents.</Alert> : null}
        {renamed ? <Alert tone="success">Renamed. Agents holding the role keep it.</Alert> : null}

        <RoleWorkbench
          roleName={role.name}
          rules={role.rules}
          servers={servers.map((s) => s.name)}
          rulesDescription={<RulesLegendShort />}
          save={canWrite ? saveRulesAction.bind(null, tenantSlug, role.name) : undefined}
          checkCondition={canWrite ? checkConditionAction.bind(null, tenantSlug) : undefined}
          simulate={simulateAction.bind(null, tenantSlug, role.name)}
          replay={can(ctx.role, "audit.read") ? replayAction.bind(null, tenantSlug, role.name) : undefined}
          choices={choices}
          reference={CONDITION_REFERENCE}
          readOnlyRules={
            role.rules.length === 0 ? (
              <p className="px-5 py-5 text-sm text-zinc-600 dark:text-zinc-400">No rules: agents holding this role get nothing from it.</p>
            ) : (
              <div>
                <Table caption={`Rules of the role ${role.name}`} minWidth="44rem">
                  <TableHead columns={["#", "Target", "Server", "Pattern", "Effect", "Condition"]} />
                  <tbody>
                    {role.rules.map((r, i) => (
                      <tr key={i} className="align-top">
                        <Td className="font-mono text-xs tabular-nums">{i + 1}</Td>
                        <Td>{r.target}</Td>
                        <Td className="font-mono text-xs">{r.server}</Td>
                        <Td className="font-mono text-xs">{r.pattern}</Td>
                        <Td>
                          <EffectBadge effect={r.effect} />
                          {r.approval ? <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">{approvalText(r.approval)}</span> : null}
                          {r.message ? <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">“{r.message}”</span> : null}
                        </Td>
                        <Td className="font-mono text-xs break-words">{r.condition ?? <span className="text-zinc-500 dark:text-zinc-400">—</span>}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </div>
            )
          }
        />

        <Section id="role-agents" title="Agents holding this role" description="Give the role to an agent on the agent's page." flush>
          {role.agents.length === 0 ? (
            <EmptyState title="No agent holds this role" className="py-8" />
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
              {role.agents.map((a) => (
                <li key={a.id} className="px-5 py-3">
                  <Link href={`${base}/agents/${a.id}`} className={linkStyles}>
                    {a.name}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Section>

        <Section id="how-rules-work" title="How rules decide">
          <RulesLegend />
        </Section>

        {canWrite ? (
          <Section id="role-details" title="Name and description">
            <RoleDetailsForm action={updateRoleDetailsAction.bind(null, tenantSlug, role.name)} role={{ name: role.name, description: role.description }} />
          </Section>
        ) : null}

        {canWrite ? (
          <Section
            id="delete"
            title="Delete this role"
            description={role.agents.length ? `${role.agents.length} ${role.agents.length === 1 ? "agent loses" : "agents lose"} the access it gives, at once.` : "No agent holds it."}
          >
            <div className="flex justify-start">
              <ConfirmAction action={deleteRoleAction.bind(null, tenantSlug, role.name)} label="Delete role" confirmLabel="Yes, delete" prompt={`Delete ${role.name}?`} />
            </div>
          </Section>
        ) : null}
      </div>
    </>
  );
}

function RulesLegendShort() {
  return (
    <>
      Deny by default; deny beats require approval beats allow; a rule with a condition applies only when it is true; <code className="font-mono">*</code> and{" "}
      <code className="font-mono">?</code> are globs. Saving replaces the whole list.
    </>
  );
}
