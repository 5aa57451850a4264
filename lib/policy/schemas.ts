import { z } from "zod";
import { ruleEffects, ruleTargets } from "@/db/schema";

export const roleNameSchema = z
  .string()
  .trim()
  .min(1, "Give the role a name.")
  .max(64, "A role name has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit.");

export const ruleInput = z.object({
  target: z.enum(ruleTargets, { error: `A rule targets one of: ${ruleTargets.join(", ")}.` }).default("tool"),
  server: z
    .string()
    .trim()
    .min(1, "Name a server, or * for every server.")
    .max(32, "A server name has at most 32 characters.")
    .regex(/^(\*|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)$/, "A server name (lowercase letters, digits, hyphens) or *."),
  pattern: z
    .string()
    .trim()
    .min(1, "Give a name or a glob such as create_* or *.")
    .max(512, "A pattern has at most 512 characters."),
  effect: z.enum(ruleEffects, { error: `The effect is one of: ${ruleEffects.join(", ")}.` }),
});
export type RuleInput = z.input<typeof ruleInput>;

const rules = z.array(ruleInput).max(200, "A role has at most 200 rules.");

export const createRoleInput = z.object({
  name: roleNameSchema,
  description: z.string().trim().max(500, "A description has at most 500 characters.").default(""),
  rules: rules.default([]),
});
export type CreateRoleInput = z.input<typeof createRoleInput>;

/** `rules`, when given, replaces the whole list: the editor saves what it shows. */
export const updateRoleInput = z
  .object({
    name: roleNameSchema,
    description: z.string().trim().max(500, "A description has at most 500 characters."),
    rules,
  })
  .partial()
  .strict();
export type UpdateRoleInput = z.input<typeof updateRoleInput>;

/** The body of a create-or-replace (PUT): the role's whole state but its name, which the path gives. */
export const replaceRoleInput = createRoleInput.omit({ name: true });
export type ReplaceRoleInput = z.input<typeof replaceRoleInput>;
