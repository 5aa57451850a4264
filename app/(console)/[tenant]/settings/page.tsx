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
import { getAuditSettings } from "@/lib/audit/settings";
import { can } from "@/lib/rbac/permissions";
import { getTenant } from "@/lib/tenancy/tenants";
import { listWebhookDeliveries } from "@/lib/webhooks/deliveries";
import { findWebhook } from "@/lib/webhooks/settings";
import { getTenantContext } from "../tenant-context";
import { AuditSettingsForm, AuditSettingsSummary } from "./_components/audit-settings-form";
import { CreateTokenForm } from "./_components/create-token-form";
import { ApprovalWaitForm } from "./_components/approval-wait-form";
import { RenameForm } from "./_components/rename-form";
import { WebhookDeliveries } from "./_components/webhook-deliveries";
import { WebhookForm } from "./_components/webhook-form";
import { WebhookSecret } from "./_components/webhook-secret";
import { WebhookTestButton } from "./_components/webhook-test-button";
import {
  createTokenAction,
  deleteWebhookAction,
  renameTenantAction,
  setApprovalWaitAction,
  revokeTokenAction,
  rotateWebhookSecretAction,
  saveAuditSettingsAction,
  saveWebhookAction,
  sendTestWebhookAction,
} from "./actions";

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
  const canManageWebhook = can(ctx.role, "tenant.update");
  const canConfigureAudit = can(ctx.role, "audit.settings");
  const [webhook, deliveries, tenant, auditSettings] = await Promise.all([
    findWebhook(ctx),
    listWebhookDeliveries(ctx, { limit: 20 }),
    getTenant(ctx),
    getAuditSettings(ctx),
  ]);
  const now = Date.now();
  const tenantSlug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        title="Settings"
        description={`How ${ctx.tenant.name} is named, the tokens scripts use to administer it, and the webhook that hears about approvals.`}
      />
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
            {canRename ? (
              <ApprovalWaitForm action={setApprovalWaitAction.bind(null, tenantSlug)} seconds={tenant.approvalWaitSeconds} />
            ) : (
              <div>
                <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Calls needing approval are held for</p>
                <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{tenant.approvalWaitSeconds} seconds</p>
              </div>
            )}
          </div>
        </Section>

        <Section
          id="audit-log"
          title="Audit log"
          description="How agent requests are recorded: what is masked before anything is stored, how much of each result is kept, for how long, and what happens when the log cannot be written."
        >
          {canConfigureAudit ? (
            <AuditSettingsForm action={saveAuditSettingsAction.bind(null, tenantSlug)} settings={auditSettings} />
          ) : (
            <AuditSettingsSummary settings={auditSettings} />
          )}
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

        <Section
          id="webhook"
          title="Webhook"
          description={
            <>
              Gatehouse POSTs signed JSON here when an approval is requested, approved, denied or expires. A failing receiver never holds up a tool
              call: deliveries are retried with backoff for about 13 hours.
            </>
          }
          flush
        >
          <div className="space-y-6 px-5 py-5">
            {canManageWebhook ? (
              <WebhookForm action={saveWebhookAction.bind(null, tenantSlug)} webhook={webhook && { url: webhook.url, enabled: webhook.enabled }} />
            ) : webhook ? (
              <div className="space-y-3">
                <div>
                  <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Endpoint URL</p>
                  <p className="mt-1 font-mono text-sm break-all text-zinc-700 dark:text-zinc-300">{webhook.url}</p>
                </div>
                {webhook.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
              </div>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No webhook is set. An owner or admin can set one.</p>
            )}

            {webhook ? (
              <div className="flex flex-col gap-5 border-t border-zinc-200 pt-5 sm:flex-row sm:items-start sm:justify-between dark:border-zinc-800">
                <WebhookSecret hint={webhook.secretHint} action={canManageWebhook ? rotateWebhookSecretAction.bind(null, tenantSlug) : undefined} />
                {canManageWebhook ? (
                  <div className="flex flex-wrap items-start gap-3 sm:justify-end">
                    {webhook.enabled ? (
                      <WebhookTestButton action={sendTestWebhookAction.bind(null, tenantSlug)} />
                    ) : (
                      <p className="max-w-xs text-xs text-zinc-500 dark:text-zinc-400">Enable the webhook to send a test event.</p>
                    )}
                    <ConfirmAction
                      action={deleteWebhookAction.bind(null, tenantSlug)}
                      label="Remove webhook"
                      confirmLabel="Yes, remove"
                      prompt="Remove the webhook? Deliveries not yet sent are dropped."
                    />
                  </div>
                ) : null}
              </div>
            ) : null}

            <details className="text-sm text-zinc-600 dark:text-zinc-400">
              <summary className="cursor-pointer font-medium text-zinc-800 dark:text-zinc-200">Verifying a delivery</summary>
              <div className="mt-2 space-y-2">
                <p>
                  Each delivery carries <code className="font-mono text-xs">Gatehouse-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>, where the hex
                  is the HMAC-SHA256, keyed with the signing secret, of <code className="font-mono text-xs">&lt;t&gt;.&lt;raw body&gt;</code>. Compare it in
                  constant time and refuse a <code className="font-mono text-xs">t</code> more than 5 minutes away from your clock.
                </p>
                <p>
                  <code className="font-mono text-xs">Gatehouse-Event</code> names the event;{" "}
                  <code className="font-mono text-xs">Gatehouse-Delivery</code> stays the same across retries, so a receiver can skip a delivery it has
                  already handled.
                </p>
              </div>
            </details>
          </div>
          <div className="border-t border-zinc-200 dark:border-zinc-800">
            <h3 className="px-5 pt-4 pb-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Recent deliveries</h3>
            <WebhookDeliveries deliveries={deliveries} />
          </div>
        </Section>
      </div>
    </>
  );
}
