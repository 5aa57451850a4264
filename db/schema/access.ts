import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { tenants } from "./tenancy";

export const ruleTargets = ["tool", "prompt", "resource"] as const;
export type RuleTarget = (typeof ruleTargets)[number];
export const ruleEffects = ["allow", "deny", "require_approval"] as const;
export type RuleEffect = (typeof ruleEffects)[number];
/** Console roles whose members may approve a held call, from the least to the most privileged. */
export const approverRoles = ["reviewer", "admin", "owner"] as const;
export type ApproverRole = (typeof approverRoles)[number];

/** An access role: an ordered list of rules, bound to agents. */
export const accessRoles = pgTable(
  "access_roles",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("access_roles_tenant_name_key").on(t.tenantId, t.name), index().on(t.tenantId)],
);

/**
 * One rule of a role: which server (name or `*`), which tool, prompt or
 * resource (a glob over the upstream's own name or URI), an optional CEL
 * condition, and its effect. The approval columns are set for
 * require_approval only; the message for deny only.
 */
export const accessRules = pgTable(
  "access_rules",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    roleId: text()
      .notNull()
      .references(() => accessRoles.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    target: text({ enum: ruleTargets }).notNull().default("tool"),
    server: text().notNull(),
    pattern: text().notNull(),
    effect: text({ enum: ruleEffects }).notNull(),
    condition: text(),
    /** Shown to the agent when this rule denies a call. */
    message: text(),
    approverRole: text({ enum: approverRoles }),
    approvalsRequired: integer(),
    approvalTtlSeconds: integer(),
  },
  (t) => [index().on(t.tenantId), index().on(t.roleId)],
);

export const roleBindings = pgTable(
  "role_bindings",
  {
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    roleId: text()
      .notNull()
      .references(() => accessRoles.id, { onDelete: "cascade" }),
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.agentId] }), index().on(t.tenantId), index().on(t.agentId)],
);
