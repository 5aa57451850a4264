import { z } from "zod";

export const agentNameSchema = z
  .string()
  .trim()
  .min(1, "Give the agent a name.")
  .max(64, "An agent name has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Use letters, digits, spaces, dots, hyphens and underscores, starting with a letter or digit.");

const labelKey = z.string().regex(/^[a-z0-9]([a-z0-9._/-]{0,62}[a-z0-9])?$/, "Label keys use lowercase letters, digits and . _ / - (at most 64).");
const labelValue = z.string().max(128, "A label value has at most 128 characters.");

export const labelsSchema = z
  .record(labelKey, labelValue)
  .refine((l) => Object.keys(l).length <= 32, "At most 32 labels.");

export const createAgentInput = z.object({
  name: agentNameSchema,
  description: z.string().trim().max(500, "A description has at most 500 characters.").default(""),
  labels: labelsSchema.default({}),
  roles: z.array(z.string().trim().min(1)).max(50, "At most 50 roles.").default([]),
});
export type CreateAgentInput = z.input<typeof createAgentInput>;

export const updateAgentInput = z
  .object({
    name: agentNameSchema,
    description: z.string().trim().max(500, "A description has at most 500 characters."),
    labels: labelsSchema,
    /** Role names; replaces the agent's bindings. */
    roles: z.array(z.string().trim().min(1)).max(50, "At most 50 roles."),
  })
  .partial()
  .strict();
export type UpdateAgentInput = z.input<typeof updateAgentInput>;

export const createAgentKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key, e.g. where it is used.").max(64, "A key name has at most 64 characters.").default("default"),
  expiresInDays: z.coerce
    .number({ error: "Expiry is a number of days." })
    .int("Expiry is a whole number of days.")
    .min(1, "A key lives at least 1 day.")
    .max(3650, "A key lives at most 3,650 days.")
    .optional(),
});
export type CreateAgentKeyInput = z.input<typeof createAgentKeyInput>;
