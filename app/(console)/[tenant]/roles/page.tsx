import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { EmptyState } from "@/components/empty-state";
import { RolesIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { CONDITION_REFERENCE } from "@/lib/policy/cel";
import { listRoles } from "@/lib/policy/roles";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../tenant-context";
import { ConditionReference } from "./_components/condition-reference";
import { RoleDetailsForm } from "./_components/role-details-form";
import { RulesLegend } from "./_components/rules-legend";
import { createRoleAction } from "./actions";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ deleted?: string }> }) {
  const { tenant: slug } = await params;
  const { deleted } = await searchParams;
  const ctx = await getTenantContext(slug);
  const roles = await listRoles(ctx);
  const canWrite = can(ctx.role, "roles.write");
  const base = `/${ctx.tenant.slug}`;

  return (
    <>
      <PageHeader
        title="Roles"
        description="Access roles decide which tools, prompts and resources an agent may use. An agent gets the rules of every role it holds."
      />
      <div className="space-y-8">
        {deleted ? (
          <Alert tone="success">
            The role <span className="font-medium">{deleted}</span> was deleted; agents that held it lost the access it gave.
          </Alert>
        ) : null}

        {canWrite ? (
          <Section id="create-role" title="Create a role" description="Name it for what it allows; you add its rules next.">
            <RoleDetailsForm action={createRoleAction.bind(null, ctx.tenant.slug)} />
          </Section>
        ) : null}

        <Section id="roles" title="All roles" description={`${roles.length} ${roles.length === 1 ? "role" : "roles"}`} flush>
          {roles.length === 0 ? (
            <EmptyState icon={<RolesIcon />} title="No roles yet">
              Without a role an agent sees no tools at all.
            </EmptyState>
          ) : (
            <Table caption="Access roles" minWidth="44rem">
              <TableHead columns={["Name", "Description", "Rules", "Agents"]} />
              <tbody>
                {roles.map((r) => {
                  const count = (effect: string) => r.rules.filter((x) => x.effect === effect).length;
                  const breakdown = [
                    [count("allow"), "allow"],
                    [count("deny"), "deny"],
                    [count("require_approval"), "approval"],
                  ]
                    .filter(([n]) => n)
                    .map(([n, word]) => `${n} ${word}`)
                    .join(", ");
                  return (
                    <tr key={r.id} data-role={r.name}>
                      <Td className="font-medium whitespace-nowrap">
                        <Link href={`${base}/roles/${encodeURIComponent(r.name)}`} className={linkStyles}>
                          {r.name}
                        </Link>
                      </Td>
                      <Td className="max-w-80">
                        <span className="line-clamp-2">{r.description || <span className="text-zinc-500 dark:text-zinc-400">—</span>}</span>
                      </Td>
                      <Td className="whitespace-nowrap tabular-nums">
                        {r.rules.length}
                        {r.rules.length ? (
                          <span className="ml-1.5 text-xs text-zinc-500 dark:text-zinc-400">
                            ({breakdown})
                          </span>
                        ) : null}
                      </Td>
                      <Td>
                        {r.agents.length ? (
                          <span className="flex flex-wrap gap-x-2 gap-y-1">
                            {r.agents.map((a) => (
                              <Link key={a.id} href={`${base}/agents/${a.id}`} className={`${linkStyles} text-sm`}>
                                {a.name}
                              </Link>
                            ))}
                          </span>
                        ) : (
                          <span className="text-xs text-zinc-500 dark:text-zinc-400">None</span>
                        )}
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </Section>

        <Section id="how-rules-work" title="How rules decide">
          <RulesLegend />
        </Section>

        <Section id="conditions" title="Conditions and examples" description="Open a role to add an example's rules to it, and to simulate them before saving.">
          <ConditionReference reference={CONDITION_REFERENCE} />
        </Section>
      </div>
    </>
  );
}
