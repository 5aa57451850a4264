import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { deleteWebhook, getWebhook, saveWebhook } from "@/lib/webhooks/settings";

const get = route(operations.getWebhook, async ({ ctx }) => ({ webhook: await getWebhook(ctx) }));

const put = route(operations.putWebhook, ({ ctx, body }) => saveWebhook(ctx, body));

const remove = route(operations.deleteWebhook, ({ ctx }) => deleteWebhook(ctx));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PUT: put, DELETE: remove });
