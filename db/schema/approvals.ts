import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { approverRoles } from "./access";
import { tenants } from "./tenancy";
import { users } from "./users";

export const approvalStatuses = ["pending", "approved", "denied", "expired", "consumed"] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];
export const voteDecisions = ["approve", "deny"] as const;
export type VoteDecision = (typeof voteDecisions)[number];

/** The rule that asked for approval, as it was when the call was made. */
export type ApprovalRule = { role: string; position: number; condition: string | null; reason: string };

/**
 * A held tool call: pending → approved | denied | expired, approved → consumed
 * when the call runs. Bound to the exact call: agent, key, tool, the tool's
 * definition hash and the hash of its canonical arguments; only the same call
 * can use an approval, once. Agent, key and server are copied by value: the
 * record outlives them.
 */
export const approvals = pgTable(
  "approvals",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    status: text({ enum: approvalStatuses }).notNull().default("pending"),
    agentId: text().notNull(),
    agentName: text().notNull(),
    keyId: text().notNull(),
    keyPrefix: text().notNull(),
    /** Who issued the key: they may not be the only one to approve its calls. */
    keyCreatedBy: text(),
    sessionId: text(),
    serverId: text().notNull(),
    server: text().notNull(),
    tool: text().notNull(),
    /** The name the agent called, `<server>__<tool>`. */
    exposedName: text().notNull(),
    toolHash: text().notNull(),
    argumentsHash: text().notNull(),
    arguments: jsonb().notNull(),
    rule: jsonb().$type<ApprovalRule>().notNull(),
    approverRole: text({ enum: approverRoles }).notNull(),
    approvalsRequired: integer().notNull(),
    /** Denial comment, or the comments of the approvals, for the agent. */
    comment: text(),
    clientName: text(),
    clientVersion: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    decidedAt: timestamp({ withTimezone: true }),
    consumedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("approvals_tenant_status_idx").on(t.tenantId, t.status, t.createdAt.desc()),
    // At most one open request per exact call: a repeat waits on the same one.
    uniqueIndex("approvals_open_call_key")
      .on(t.tenantId, t.agentId, t.keyId, t.serverId, t.tool, t.toolHash, t.argumentsHash)
      .where(sql`${t.status} in ('pending', 'approved')`),
  ],
);

/** One reviewer's decision on an approval; one per person. */
export const approvalVotes = pgTable(
  "approval_votes",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    approvalId: text()
      .notNull()
      .references(() => approvals.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Copied for the record: the reviewer's name when they decided. */
    userName: text().notNull(),
    decision: text({ enum: voteDecisions }).notNull(),
    comment: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("approval_votes_person_key").on(t.approvalId, t.userId), index().on(t.tenantId)],
);

export type Approval = typeof approvals.$inferSelect;
export type ApprovalVote = typeof approvalVotes.$inferSelect;
