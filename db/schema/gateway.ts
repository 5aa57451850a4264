import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { agentKeys, agents } from "./agents";
import { tenants } from "./tenancy";

/**
 * An agent's MCP session. Kept in Postgres so that any process can serve any
 * request of the session; bound to the tenant, agent and key that opened it.
 */
export const mcpSessions = pgTable(
  "mcp_sessions",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    keyId: text()
      .notNull()
      .references(() => agentKeys.id, { onDelete: "cascade" }),
    protocolVersion: text().notNull(),
    clientName: text(),
    clientVersion: text(),
    clientCapabilities: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.tenantId)],
);
