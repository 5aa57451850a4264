import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

export const serverTransports = ["streamable_http", "sse", "stdio"] as const;
export type ServerTransport = (typeof serverTransports)[number];

export const upstreamAuthKinds = ["none", "bearer", "headers"] as const;
export type UpstreamAuthKind = (typeof upstreamAuthKinds)[number];

/**
 * An upstream MCP server registered in a tenant. Tenants register HTTP servers;
 * stdio servers exist only where the platform operator declares them
 * (`source = 'platform'`), and their command lives in the operator's file, not here.
 */
export const servers = pgTable(
  "servers",
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    tags: text().array().notNull().default([]),
    transport: text({ enum: serverTransports }).notNull(),
    url: text(),
    /** Prefix of the names agents see (`<namespace>__<tool>`); empty exposes upstream names as they are. */
    namespace: text().notNull(),
    authKind: text({ enum: upstreamAuthKinds }).notNull().default("none"),
    /** AES-256-GCM sealed JSON of the credentials, bound to tenant and server id. */
    sealedCredentials: text(),
    /** What the console may show of the credentials, e.g. "Bearer ••••3f9a" or header names. */
    credentialHint: text(),
    timeoutMs: integer().notNull().default(30_000),
    enabled: boolean().notNull().default(true),
    source: text({ enum: ["tenant", "platform"] }).notNull().default("tenant"),
    /** For platform servers: the key of the operator's declaration. */
    platformKey: text(),
    catalogRefreshedAt: timestamp({ withTimezone: true }),
    catalogError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("servers_tenant_name_key").on(t.tenantId, t.name), index().on(t.tenantId)],
);

/** The last known tools of a server, with a hash of each tool's full definition. */
export const serverTools = pgTable(
  "server_tools",
  {
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    serverId: text()
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The tool exactly as the upstream described it. */
    definition: jsonb().$type<Record<string, unknown>>().notNull(),
    /** sha256 of the canonical JSON of `definition`. */
    hash: text().notNull(),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.name] }), index().on(t.tenantId)],
);
