import { z } from "zod";
import { approverRoles, ruleEffects, ruleTargets } from "@/db/schema";
import { checkCondition } from "./cel";

export const roleNameSchema = z
  .string()
  .trim()
  .min(1, "Give the role a name.")
  .max(64, "A role name has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit.");

const approvalInput = z
  .object({
    approverRole: z.enum(approverRoles, { error: `Approvers are one of: ${approverRoles.join(", ")} (or above).` }).default("reviewer"),
    approvalsRequired: z.int("Ask for 1 or 2 approvals.").min(1, "Ask for 1 or 2 approvals.").max(2, "Ask for 1 or 2 approvals.").default(1),
    ttlSeconds: z
      .int("Give the expiry in whole seconds.")
      .min(60, "A request stays open at least 60 seconds.")
      .max(7 * 24 * 3600, "A request stays open at most 7 days.")
      .default(3600),
  })
  .strict()
  .meta({ description: "require_approval only: who approves (that console role or above), how many different people, and how long the request stays open" });

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
  condition: z
    .string()
    .trim()
    .max(2000, "A condition has at most 2000 characters.")
    .nullish()
    .transform((c) => c || null)
    .superRefine((source, ctx) => {
      if (!source) return;
      const checked = checkCondition(source);
      if (!checked.ok) ctx.addIssue({ code: "custom", message: `line ${checked.line}, column ${checked.column}: ${checked.message}` });
    })
    .meta({ description: "A CEL expression over args, tool, agent, tenant, request and session; the rule applies only when it is true" }),
  message: z
    .string()
    .trim()
    .max(500, "A message has at most 500 characters.")
    .nullish()
    .transform((m) => m || null)
    .meta({ description: "deny only: what the agent is told" }),
  approval: approvalInput.nullish().transform((a) => a ?? null),
}).superRefine((rule, ctx) => {
  if (rule.effect === "require_approval" && rule.target !== "tool") {
    ctx.addIssue({ code: "custom", path: ["effect"], message: "Only tool calls can be held for approval; prompts and resources are allowed or denied." });
  }
  if (rule.effect !== "require_approval" && rule.approval) {
    ctx.addIssue({ code: "custom", path: ["approval"], message: "Approval settings belong to require_approval rules." });
  }
  if (rule.effect !== "deny" && rule.message) {
    ctx.addIssue({ code: "custom", path: ["message"], message: "A message is shown when a rule denies; set it on deny rules only." });
  }
});
export type RuleInput = z.input<typeof ruleInput>;
export type ParsedRule = z.output<typeof ruleInput>;

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
