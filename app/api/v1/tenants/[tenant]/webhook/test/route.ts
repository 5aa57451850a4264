import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { sendTestWebhook } from "@/lib/webhooks/settings";

const post = route(operations.sendTestWebhook, ({ ctx }) => sendTestWebhook(ctx));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
