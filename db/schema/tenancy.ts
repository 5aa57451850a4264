import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

export const consoleRoles = ["owner", "admin", "reviewer", "auditor", "viewer"] as const;
export type ConsoleRole = (typeof consoleRoles)[number];

export const piiDetectors = ["email", "phone", "card", "iban"] as const;
export type PiiDetector = (typeof piiDetectors)[number];
/** A field rule masks the value at a JSON path of the arguments or result, e.g. `args.password` or `result.content[*].text`. */
export type AuditFieldRule = { path: string; reason?: string };
export type AuditRedactionSettings = { detectors: PiiDetector[]; fieldRules: AuditFieldRule[] };

export const tenants = pgTable(
  "tenants",
  {
    id: text().primaryKey(),
    slug: text().notNull(),
    name: text().notNull(),
    /** How long a tools/call needing approval stays open for a reviewer's decision. */
    approvalWaitSeconds: integer().notNull().default(30),
    /** If the audit write of an agent request fails, answer anyway (and raise an alert) instead of failing the call. */
    auditFailOpen: boolean().notNull().default(false),
    /** Stored tool results are cut to this many bytes (their full size and hash are kept). */
    auditResultMaxBytes: integer().notNull().default(16384),
    /** Keep unredacted arguments and results too, sealed, readable by auditors only. */
    auditFullPayloads: boolean().notNull().default(false),
    /** Audit events older than this many days are deleted (down to a signed checkpoint); null keeps them all. */
    auditRetentionDays: integer(),
    /** PII detectors that are on, and per-tenant field rules by JSON path; secrets are always masked. */
    auditRedaction: jsonb()
      .$type<AuditRedactionSettings>()
      .notNull()
      .default({ detectors: ["email", "phone", "card", "iban"], fieldRules: [] }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("tenants_slug_key").on(t.slug),
    check("tenants_audit_retention_days_check", sql`${t.auditRetentionDays} between 1 and 3650`),
  ],
);

export const memberships = pgTable(
  "memberships",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text({ enum: consoleRoles }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("memberships_tenant_user_key").on(t.tenantId, t.userId), index().on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text().notNull(),
    role: text({ enum: consoleRoles }).notNull(),
    tokenHash: text().notNull(),
    invitedBy: text().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    // One open invitation per address and tenant; accepted ones are history.
    uniqueIndex("invitations_open_email_key")
      .on(t.tenantId, sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null`),
  ],
);
