import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { listWebhookDeliveries } from "@/lib/webhooks/deliveries";

const get = route(operations.listWebhookDeliveries, async ({ ctx, req }) => ({
  deliveries: await listWebhookDeliveries(ctx, Object.fromEntries(new URL(req.url).searchParams)),
}));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
