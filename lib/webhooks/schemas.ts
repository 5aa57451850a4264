import { z } from "zod";

const URL_EXAMPLE = "https://hooks.example.com/gatehouse";

/** The receiver's URL, as far as its text goes; where it resolves to is checked by `assertWebhookUrl`. */
export const webhookUrlSchema = z
  .string({ error: "Enter the webhook URL." })
  .trim()
  .min(1, { error: "Enter the webhook URL.", abort: true })
  .max(2048, { error: "A URL has at most 2048 characters.", abort: true })
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `That is not a valid URL; enter an absolute address such as ${URL_EXAMPLE}.` });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: `Webhooks are sent over https://, so a ${url.protocol.slice(0, -1)}: URL cannot be used; enter an address such as ${URL_EXAMPLE}.` });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Remove the user name and password from the URL; verify the Gatehouse-Signature header of each delivery instead." });
    }
  });

export const saveWebhookInput = z
  .object({
    url: webhookUrlSchema,
    enabled: z.boolean({ error: "enabled is true or false." }).default(true),
  })
  .strict();
export type SaveWebhookInput = z.input<typeof saveWebhookInput>;

export const listDeliveriesInput = z.object({
  limit: z.coerce
    .number({ error: "A number of deliveries, such as 20." })
    .int("A whole number of deliveries.")
    .min(1, "At least 1.")
    .max(100, "At most 100.")
    .default(20),
});
export type ListDeliveriesInput = z.input<typeof listDeliveriesInput>;
