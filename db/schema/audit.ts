import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

export const auditDecisions = ["allowed", "denied", "none"] as const;
export type AuditDecision = (typeof auditDecisions)[number];
export const auditOutcomes = ["ok", "error", "denied"] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** One agent request through the MCP endpoint. Append-only. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    action: text().notNull(),
    agentId: text(),
    agentName: text(),
    keyPrefix: text(),
    sessionId: text(),
    method: text(),
    server: text(),
    tool: text(),
    arguments: jsonb(),
    decision: text({ enum: auditDecisions }).notNull().default("none"),
    outcome: text({ enum: auditOutcomes }).notNull(),
    error: text(),
    upstreamMs: integer(),
    totalMs: integer().notNull(),
    clientName: text(),
    clientVersion: text(),
    jsonrpcId: text(),
  },
  (t) => [
    index("audit_events_tenant_time_idx").on(t.tenantId, t.occurredAt.desc(), t.id.desc()),
    index("audit_events_tenant_agent_idx").on(t.tenantId, t.agentId, t.occurredAt.desc()),
  ],
);
