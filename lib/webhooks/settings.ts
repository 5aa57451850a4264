import { eq } from "drizzle-orm";
import { webhooks } from "@/db/schema";
import { OMITTED, recordAdminChange } from "@/lib/audit/admin";
import { inTenant, type Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { abandonPending, getDeliveryIn, type WebhookDeliveryView } from "./deliveries";
import { queueDelivery } from "./enqueue";
import { saveWebhookInput, type SaveWebhookInput } from "./schemas";
import { newWebhookSecret, sealWebhookSecret, unsealWebhookSecret, webhookSecretHint } from "./secret";
import { assertWebhookUrl } from "./url";

/** A tenant's webhook as the console and the API show it: never the secret, only a hint of it. */
export type WebhookView = {
  url: string;
  enabled: boolean;
  /** `whsec_••••3f9a`; null when the sealed secret cannot be opened (the encryption key changed): rotate it. */
  secretHint: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** What saving returns; `secret` only when the webhook was created, the one time it is shown. */
export type SavedWebhook = { webhook: WebhookView; created: boolean; secret?: string };

const NOT_CONFIGURED = "The webhook";

function toView(row: typeof webhooks.$inferSelect): WebhookView {
  let secretHint: string | null;
  try {
    secretHint = webhookSecretHint(unsealWebhookSecret(row.secretSealed, row.tenantId));
  } catch {
    secretHint = null;
  }
  return { url: row.url, enabled: row.enabled, secretHint, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** The webhook as its audit events show it: where it sends and whether it is on; its secret only as "[omitted]". */
function auditedWebhook(row: typeof webhooks.$inferSelect) {
  return { url: row.url, enabled: row.enabled, secret: OMITTED };
}

/** A tenant has one webhook, named in its log by the host it sends to. */
const webhookTarget = (ctx: TenantContext, row: { url: string }) => ({ type: "webhook", id: ctx.tenant.id, name: hostOf(row.url) });

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "webhook";
  }
}

async function selectWebhook(tx: Tx, tenantId: string, lock = false) {
  const query = tx.select().from(webhooks).where(eq(webhooks.tenantId, tenantId));
  // Not FOR UPDATE: deliveries being enqueued hold a key-share lock on the webhook (while their transaction may hold the audit chain).
  const [row] = lock ? await query.for("no key update") : await query;
  return row;
}

/** The tenant's webhook, or null when none is configured. */
export async function findWebhook(ctx: TenantContext): Promise<WebhookView | null> {
  assertCan(ctx, "tenant.read");
  const row = await inTenant(ctx.tenant.id, (tx) => selectWebhook(tx, ctx.tenant.id));
  return row ? toView(row) : null;
}

export async function getWebhook(ctx: TenantContext): Promise<WebhookView> {
  const webhook = await findWebhook(ctx);
  if (!webhook) throw notFound(NOT_CONFIGURED);
  return webhook;
}

/**
 * Creates the tenant's webhook with a new signing secret, or changes its URL
 * and enabled state (the secret stays). Disabling it abandons deliveries not
 * yet sent; pending deliveries of an enabled webhook go to its current URL.
 */
export async function saveWebhook(ctx: TenantContext, input: SaveWebhookInput): Promise<SavedWebhook> {
  assertCan(ctx, "tenant.update");
  const data = parseInput(saveWebhookInput, input);
  await assertWebhookUrl(data.url, env.upstreamPolicy);
  const tenantId = ctx.tenant.id;
  const secret = newWebhookSecret();
  return inTenant(tenantId, async (tx) => {
    // Inserting first settles a race between two first saves: the loser updates.
    const [inserted] = await tx
      .insert(webhooks)
      .values({ tenantId, url: data.url, enabled: data.enabled, secretSealed: sealWebhookSecret(secret, tenantId) })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await recordAdminChange(tx, ctx, { action: "webhook.created", target: webhookTarget(ctx, inserted), after: auditedWebhook(inserted) });
      return { webhook: toView(inserted), created: true, secret };
    }
    const before = await selectWebhook(tx, tenantId, true);
    if (!before) throw notFound(NOT_CONFIGURED);
    const [updated] = await tx
      .update(webhooks)
      .set({ url: data.url, enabled: data.enabled, updatedAt: new Date() })
      .where(eq(webhooks.tenantId, tenantId))
      .returning();
    if (!updated) throw notFound(NOT_CONFIGURED);
    await recordAdminChange(tx, ctx, { action: "webhook.updated", target: webhookTarget(ctx, updated), before: auditedWebhook(before), after: auditedWebhook(updated) });
    if (!data.enabled) await abandonPending(tx, tenantId, "Not sent: the webhook was disabled.");
    return { webhook: toView(updated), created: false };
  });
}

/** Removes the webhook; deliveries not yet sent are abandoned, the history stays. */
export async function deleteWebhook(ctx: TenantContext): Promise<void> {
  assertCan(ctx, "tenant.update");
  await inTenant(ctx.tenant.id, async (tx) => {
    const [deleted] = await tx.delete(webhooks).where(eq(webhooks.tenantId, ctx.tenant.id)).returning();
    if (!deleted) throw notFound(NOT_CONFIGURED);
    await recordAdminChange(tx, ctx, { action: "webhook.deleted", target: webhookTarget(ctx, deleted), before: auditedWebhook(deleted) });
    await abandonPending(tx, ctx.tenant.id, "Not sent: the webhook was removed.");
  });
}

/**
 * Replaces the signing secret; every attempt from now on, retries included, is
 * signed with the new one. Returned this once.
 */
export async function rotateWebhookSecret(ctx: TenantContext): Promise<{ webhook: WebhookView; secret: string }> {
  assertCan(ctx, "tenant.update");
  const secret = newWebhookSecret();
  return inTenant(ctx.tenant.id, async (tx) => {
    const [row] = await tx
      .update(webhooks)
      .set({ secretSealed: sealWebhookSecret(secret, ctx.tenant.id), updatedAt: new Date() })
      .where(eq(webhooks.tenantId, ctx.tenant.id))
      .returning();
    if (!row) throw notFound(NOT_CONFIGURED);
    // The secret reads "[omitted]": the event says that it changed, when and by whom.
    await recordAdminChange(tx, ctx, { action: "webhook.secret_rotated", target: webhookTarget(ctx, row), after: auditedWebhook(row) });
    return { webhook: toView(row), secret };
  });
}

/** Queues a `webhook.test` event, sent like any other; its outcome shows in the deliveries. */
export async function sendTestWebhook(ctx: TenantContext): Promise<{ delivery: WebhookDeliveryView }> {
  assertCan(ctx, "tenant.update");
  return inTenant(ctx.tenant.id, async (tx) => {
    const hook = await selectWebhook(tx, ctx.tenant.id, true);
    if (!hook) throw notFound(NOT_CONFIGURED);
    if (!hook.enabled) throw new AppError("conflict", "The webhook is disabled; enable it to send a test event.");
    const id = await queueDelivery(tx, ctx.tenant.id, {
      type: "webhook.test",
      data: { message: "A test event from Gatehouse: the webhook works.", requestedBy: ctx.actor.name, tenant: ctx.tenant.slug },
    });
    return { delivery: await getDeliveryIn(tx, ctx.tenant.id, id!) };
  });
}
