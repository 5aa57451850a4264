import { z } from "zod";

/** Server names become tool-name prefixes: lowercase, digits, single hyphens, never `_`. */
export const serverNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "A server name has at least 2 characters.")
  .max(32, "A server name has at most 32 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")
  .refine((s) => !s.includes("--"), "Use single hyphens only.");

/** The prefix agents see before tool and prompt names; empty exposes upstream names unprefixed. */
export const namespaceSchema = z.union([z.literal(""), serverNameSchema]);

/** Headers the gateway sets itself, or that would break the connection if an admin set them. */
const RESERVED_HEADERS = new Set([
  "host", "content-length", "content-type", "accept", "connection", "transfer-encoding", "upgrade", "te", "trailer",
  "keep-alive", "proxy-authorization", "mcp-session-id", "mcp-protocol-version", "last-event-id",
]);

const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, "A header name is 1 to 64 letters, digits or !#$%&'*+.^_`|~-.")
  .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), "Gatehouse sets this header itself.");

const headerValue = z
  .string()
  .min(1, "A header value cannot be empty.")
  .max(4096, "A header value has at most 4096 characters.")
  .refine((v) => !/[\r\n\0]/.test(v), "A header value cannot contain line breaks.");

export const upstreamAuthSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("none") }),
    z.object({
      kind: z.literal("bearer"),
      token: z.string().trim().min(1, "Enter the token.").max(4096, "A token has at most 4096 characters.").refine((v) => !/\s/.test(v), "A token has no spaces or line breaks."),
    }),
    z.object({
      kind: z.literal("headers"),
      headers: z
        .record(headerName, headerValue)
        .refine((h) => Object.keys(h).length >= 1 && Object.keys(h).length <= 20, "Give between 1 and 20 headers.")
        .refine((h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length, "Each header once."),
    }),
  ],
  { error: "Upstream auth is one of: none, bearer, headers." },
);
export type UpstreamAuth = z.infer<typeof upstreamAuthSchema>;

const urlSchema = z
  .string()
  .trim()
  .max(2048, "A URL has at most 2048 characters.")
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "Enter an http:// or https:// URL.");

const tagsSchema = z
  .array(z.string().trim().toLowerCase().min(1).max(32, "A tag has at most 32 characters.").regex(/^[a-z0-9][a-z0-9:._-]*$/, "Tags use lowercase letters, digits and : . _ -"))
  .max(20, "At most 20 tags.")
  .transform((tags) => [...new Set(tags)]);

export const timeoutSchema = z.coerce
  .number({ error: "The timeout is a number of milliseconds." })
  .int("The timeout is a whole number of milliseconds.")
  .min(1_000, "The timeout is at least 1,000 ms.")
  .max(300_000, "The timeout is at most 300,000 ms (5 minutes).");

export const createServerInput = z.object({
  name: serverNameSchema,
  description: z.string().trim().max(500, "A description has at most 500 characters.").default(""),
  tags: tagsSchema.default([]),
  transport: z.enum(["streamable_http", "sse"], { error: "Transport is streamable_http or sse; stdio servers are declared by the platform operator." }),
  url: urlSchema,
  namespace: namespaceSchema.optional(),
  auth: upstreamAuthSchema.default({ kind: "none" }),
  timeoutMs: timeoutSchema.default(30_000),
  enabled: z.boolean().default(true),
});
export type CreateServerInput = z.input<typeof createServerInput>;

/** Every field optional; `auth` omitted keeps the sealed credentials as they are. */
export const updateServerInput = z
  .object({
    description: z.string().trim().max(500, "A description has at most 500 characters."),
    tags: tagsSchema,
    transport: z.enum(["streamable_http", "sse"], { error: "Transport is streamable_http or sse." }),
    url: urlSchema,
    namespace: namespaceSchema,
    auth: upstreamAuthSchema,
    timeoutMs: timeoutSchema,
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateServerInput = z.input<typeof updateServerInput>;
