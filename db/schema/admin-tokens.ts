import { pgTable, text, timestamp, uniqueIndex, index } from "drizzle-orm/pg-core";
import { consoleRoles, tenants } from "./tenancy";
import { users } from "./users";

/** Bearer tokens for the admin API, scoped to one tenant and one console role. */
export const adminTokens = pgTable(
  "admin_tokens",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    role: text({ enum: consoleRoles }).notNull(),
    displayPrefix: text().notNull(),
    tokenHash: text().notNull(),
    createdBy: text().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("admin_tokens_token_hash_key").on(t.tokenHash), index().on(t.tenantId)],
);
