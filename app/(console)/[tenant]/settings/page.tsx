import type { Metadata } from "next";
import { Badge } from "@/components/badge";
import { ConfirmAction } from "@/components/confirm-action";
import { formatDate, formatDateTime } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { KeyIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { RoleBadge } from "@/components/role-badge";
import { Section } from "@/components/section";
import { Table, TableHead, Td } from "@/components/table";
import { tokenRoles } from "@/lib/admin-tokens/schemas";
import { listAdminTokens, type AdminToken } from "@/lib/admin-tokens/tokens";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../tenant-context";
import { CreateTokenForm } from "./_components/create-token-form";
import { RenameForm } from "./_components/rename-form";
import { createTokenAction, renameTenantAction, revokeTokenAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

function tokenStatus(t: AdminToken, now: number) {
  if (t.revokedAt) return <Badge tone="danger">Revoked {formatDate(t.revokedAt)}</Badge>;
  if (t.expiresAt && t.expiresAt.getTime() <= now) return <Badge tone="warning">Expired</Badge>;
  return <Badge tone="success">Active</Badge>;
}

export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const ctx = await getTenantContext(slug);
  const canRename = can(ctx.role, "tenant.update");
  const canReadTokens = can(ctx.role, "tokens.read");
  const canWriteTokens = can(ctx.role, "tokens.write");
  const tokens = canReadTokens ? await listAdminTokens(ctx) : [];
  const now = Date.now();
  const tenantSlug = ctx.tenant.slug;

  return (
    <>
      <PageHeader title="Settings" description={`How ${ctx.tenant.name} is named, and the tokens scripts use to administer it.`} />
      <div className="space-y-8">
        <Section id="general" title="General">
          <div className="space-y-5">
            {canRename ? (
              <RenameForm action={renameTenantAction.bind(null, tenantSlug)} name={ctx.tenant.name} />
            ) : (
              <div>
                <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Display name</p>
                <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{ctx.tenant.name}</p>
              </div>
            )}
            <div>
              <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Slug</p>
              <p className="mt-1 font-mono text-sm text-zinc-700 dark:text-zinc-300">{tenantSlug}</p>
              <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Part of every URL of this tenant; it cannot be changed.</p>
            </div>
          </div>
        </Section>

        <Section
          id="tokens"
          title="Admin API tokens"
          description={
            <>
              Tokens let scripts and CI use the admin API (<code className="font-mono text-xs">/api/v1</code>) with a console role. They are stored hashed
              and shown once.
            </>
          }
          flush
        >
          {!canReadTokens ? (
            <p className="px-5 py-5 text-sm text-zinc-600 dark:text-zinc-400">Your role ({ctx.role}) does not allow seeing admin API tokens.</p>
          ) : (
            <>
              {canWriteTokens ? (
                <div className="border-b border-zinc-200 px-5 py-5 dark:border-zinc-800">
                  <h3 className="mb-4 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Create a token</h3>
                  <CreateTokenForm action={createTokenAction.bind(null, tenantSlug)} roles={tokenRoles} />
                </div>
              ) : null}
              {tokens.length === 0 ? (
                <EmptyState icon={<KeyIcon />} title="No tokens yet" className="py-10">
                  {canWriteTokens ? "Create one above for a script or a CI job." : "An owner or admin can create one."}
                </EmptyState>
              ) : (
                <Table caption="Admin API tokens" minWidth={canWriteTokens ? "60rem" : "52rem"}>
                  <TableHead columns={["Name", "Role", "Token", "Created", "Expires", "Last used", "Status"]} actions={canWriteTokens} />
                  <tbody>
                    {tokens.map((t) => (
                      <tr key={t.id} data-token-name={t.name} className={t.revokedAt ? "opacity-70" : undefined}>
                        <Td className="font-medium text-zinc-900 dark:text-zinc-100">{t.name}</Td>
                        <Td>
                          <RoleBadge role={t.role} />
                        </Td>
                        <Td className="font-mono text-xs whitespace-nowrap">{t.displayPrefix}…</Td>
                        <Td className="whitespace-nowrap">{formatDate(t.createdAt)}</Td>
                        <Td className="whitespace-nowrap">{t.expiresAt ? formatDate(t.expiresAt) : "Never"}</Td>
                        <Td className="whitespace-nowrap">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "Never"}</Td>
                        <Td className="whitespace-nowrap">{tokenStatus(t, now)}</Td>
                        {canWriteTokens ? (
                          <Td className="text-right">
                            {t.revokedAt ? null : (
                              <ConfirmAction
                                action={revokeTokenAction.bind(null, tenantSlug, t.id)}
                                label="Revoke"
                                confirmLabel="Yes, revoke"
                                prompt={`Revoke "${t.name}"? Requests using it fail at once.`}
                              />
                            )}
                          </Td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </>
          )}
        </Section>
      </div>
    </>
  );
}
