import { z } from "zod";
import { deliveryStatuses } from "@/db/schema";
import { webhookEventTypes } from "@/lib/webhooks/enqueue";
import { listDeliveriesInput, saveWebhookInput } from "@/lib/webhooks/schemas";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();

// The signing secret never leaves Gatehouse after it is first shown: only a masked hint.
const webhook = z.object({
  url: z.string(),
  enabled: z.boolean(),
  secretHint: z.string().nullable().meta({ description: 'Masked, e.g. "whsec_••••3f9a"; null when the secret cannot be opened (rotate it)' }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const secret = z.string().meta({ description: "The signing secret (`whsec_…`), returned this once; Gatehouse keeps it sealed" });

const delivery = z.object({
  id: z.string().meta({ description: "Also sent as the Gatehouse-Delivery header; the same on every retry" }),
  event: z.enum(webhookEventTypes),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable().meta({ description: "When the next attempt is due, while pending" }),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  createdAt: timestamp,
  deliveredAt: timestamp.nullable(),
});

/** Admin API operations of this area; spread into `operations` (lib/api/operations.ts). */
export const webhookOperations = {
  getWebhook: defineOperation({
    id: "getWebhook",
    method: "GET",
    path: "/tenants/{tenant}/webhook",
    tag: "Webhook",
    summary: "The tenant's webhook (never its secret); 404 when none is configured",
    auth: "tenant",
    permission: "tenant.read",
    response: z.object({ webhook }),
  }),
  putWebhook: defineOperation({
    id: "putWebhook",
    method: "PUT",
    path: "/tenants/{tenant}/webhook",
    tag: "Webhook",
    summary: "Create the webhook (its signing secret is returned this once) or change its URL and enabled state; idempotent",
    auth: "tenant",
    permission: "tenant.update",
    body: saveWebhookInput,
    response: z.object({ webhook, created: z.boolean(), secret: secret.optional() }),
  }),
  deleteWebhook: defineOperation({
    id: "deleteWebhook",
    method: "DELETE",
    path: "/tenants/{tenant}/webhook",
    tag: "Webhook",
    summary: "Remove the webhook; deliveries not yet sent are abandoned",
    auth: "tenant",
    permission: "tenant.update",
    status: 204,
  }),
  rotateWebhookSecret: defineOperation({
    id: "rotateWebhookSecret",
    method: "POST",
    path: "/tenants/{tenant}/webhook/rotate-secret",
    tag: "Webhook",
    summary: "Replace the signing secret, returned this once; every attempt from now on, retries included, is signed with it",
    auth: "tenant",
    permission: "tenant.update",
    response: z.object({ webhook, secret }),
  }),
  sendTestWebhook: defineOperation({
    id: "sendTestWebhook",
    method: "POST",
    path: "/tenants/{tenant}/webhook/test",
    tag: "Webhook",
    summary: "Queue a webhook.test event; follow it in the deliveries",
    auth: "tenant",
    permission: "tenant.update",
    status: 201,
    response: z.object({ delivery }),
  }),
  listWebhookDeliveries: defineOperation({
    id: "listWebhookDeliveries",
    method: "GET",
    path: "/tenants/{tenant}/webhook/deliveries",
    tag: "Webhook",
    summary: "Recent deliveries, newest first, with their status, attempts and last error",
    auth: "tenant",
    permission: "tenant.read",
    query: listDeliveriesInput,
    response: z.object({ deliveries: z.array(delivery) }),
  }),
};
