import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { rotateWebhookSecret } from "@/lib/webhooks/settings";

const post = route(operations.rotateWebhookSecret, ({ ctx }) => rotateWebhookSecret(ctx));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
