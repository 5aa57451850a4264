import type { Metadata } from "next";
import { Badge } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { formatDate, formatDateTime } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { RoleBadge } from "@/components/role-badge";
import { Section } from "@/components/section";
import { Table, TableHead, Td } from "@/components/table";
import { can, consoleRoles, type ConsoleRole } from "@/lib/rbac/permissions";
import { actorUserId } from "@/lib/tenancy/context";
import { listInvitations } from "@/lib/tenancy/invitations";
import { listMembers } from "@/lib/tenancy/members";
import { getTenantContext } from "../tenant-context";
import { AddMemberForm } from "./_components/add-member-form";
import { RoleForm } from "./_components/role-form";
import { RoleMatrix } from "./_components/role-matrix";
import { addMemberAction, changeRoleAction, removeMemberAction, revokeInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  const [members, invitations] = await Promise.all([listMembers(ctx), listInvitations(ctx)]);

  const canWrite = can(ctx.role, "members.write");
  const canManageOwners = can(ctx.role, "members.manage_owners");
  // The lib enforces these again; the page only hides what the role cannot do.
  const assignable: readonly ConsoleRole[] = canManageOwners ? consoleRoles : consoleRoles.filter((r) => r !== "owner");
  const self = actorUserId(ctx);
  const tenantSlug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        title="Members"
        description={`People who can sign in to the ${ctx.tenant.name} console, and what their console role lets them do.`}
      />
      <div className="space-y-8">
        {canWrite ? (
          <Section id="add-member" title="Add a member">
            <AddMemberForm action={addMemberAction.bind(null, tenantSlug)} roles={assignable} />
          </Section>
        ) : null}

        <Section id="people" title="People" description={`${members.length} ${members.length === 1 ? "person" : "people"}`} flush>
          <Table caption="Members of this tenant" minWidth={canWrite ? "52rem" : "36rem"}>
            <TableHead columns={["Name", "Email", "Role", "Joined"]} actions={canWrite} />
            <tbody>
              {members.map((m) => {
                const editable = canWrite && (m.role !== "owner" || canManageOwners);
                const isSelf = m.userId === self;
                return (
                  <tr key={m.id} data-member-email={m.email}>
                    <Td className="font-medium whitespace-nowrap text-zinc-900 dark:text-zinc-100">
                      {m.name}
                      {isSelf ? (
                        <Badge tone="neutral" className="ml-2">
                          you
                        </Badge>
                      ) : null}
                    </Td>
                    <Td>{m.email}</Td>
                    <Td>
                      {editable ? (
                        <RoleForm
                          id={`role-${m.id}`}
                          action={changeRoleAction.bind(null, tenantSlug, m.id)}
                          current={m.role}
                          roles={assignable}
                          memberLabel={m.email}
                        />
                      ) : (
                        <RoleBadge role={m.role} />
                      )}
                    </Td>
                    <Td className="whitespace-nowrap">{formatDate(m.createdAt)}</Td>
                    {canWrite ? (
                      <Td className="text-right">
                        {editable ? (
                          <ConfirmAction
                            action={removeMemberAction.bind(null, tenantSlug, m.id)}
                            label="Remove"
                            confirmLabel="Yes, remove"
                            prompt={isSelf ? `Leave ${ctx.tenant.name}?` : `Remove ${m.name}?`}
                          />
                        ) : null}
                      </Td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </Section>

        <Section
          id="invitations"
          title="Pending invitations"
          description="Links that were created but not used yet. Each works once; revoke one to make it useless."
          flush
        >
          {invitations.length === 0 ? (
            <EmptyState title="No pending invitations" className="py-8">
              {canWrite ? "Adding someone without a Gatehouse account creates an invitation link." : null}
            </EmptyState>
          ) : (
            <Table caption="Pending invitations" minWidth="40rem">
              <TableHead columns={["Email", "Role", "Created", "Expires"]} actions={canWrite} />
              <tbody>
                {invitations.map((inv) => (
                  <tr key={inv.id} data-invitation-email={inv.email}>
                    <Td className="font-medium text-zinc-900 dark:text-zinc-100">{inv.email}</Td>
                    <Td>
                      <RoleBadge role={inv.role} />
                    </Td>
                    <Td className="whitespace-nowrap">{formatDate(inv.createdAt)}</Td>
                    <Td className="whitespace-nowrap">
                      {inv.expired ? <Badge tone="warning">Expired</Badge> : formatDateTime(inv.expiresAt)}
                    </Td>
                    {canWrite ? (
                      <Td className="text-right">
                        <ConfirmAction
                          action={revokeInvitationAction.bind(null, tenantSlug, inv.id)}
                          label="Revoke"
                          confirmLabel="Yes, revoke"
                          prompt={`Revoke the invitation for ${inv.email}?`}
                        />
                      </Td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Section>

        <Section
          id="console-roles"
          title="Console roles"
          description="What each role may do in this console and the admin API. Owners and admins can change a member's role above."
          flush
        >
          <RoleMatrix />
        </Section>
      </div>
    </>
  );
}
