import net from "node:net";
import path from "node:path";
import { z } from "zod";
import type { NetworkPolicy } from "./upstream/url-guard";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** 32 bytes in base64 or base64url: 43 characters and at most one "=" of padding. */
export const ENCRYPTION_KEY_FORMAT = /^[A-Za-z0-9+/_-]{43}=?$/;

/** An address (a single host) or CIDR range, IPv4 or IPv6. */
function isCidr(value: string): boolean {
  const [address = "", bits, ...rest] = value.split("/");
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const networkAllowList = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
    for (const entry of entries.filter((e) => e !== "*" && !isCidr(e))) {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8, nor "*"` });
    }
    return entries;
  });

const schema = z.object({
  DATABASE_URL: optional,
  GATEHOUSE_DATA_DIR: z.string().trim().default(".data"),
  GATEHOUSE_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  AUTH_SECRET: optional.refine((v) => v === undefined || v.length >= 32, "AUTH_SECRET must be at least 32 characters"),
  GATEHOUSE_SESSION_MAX_AGE: z.coerce.number().int().min(60).default(8 * 60 * 60),
  OIDC_ISSUER: optional,
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  OIDC_NAME: z.string().trim().default("Single sign-on"),
  GATEHOUSE_SETUP_EMAIL: optional,
  GATEHOUSE_SETUP_PASSWORD: optional,
  GATEHOUSE_SETUP_NAME: optional,
  GATEHOUSE_SETUP_TENANT_SLUG: optional,
  GATEHOUSE_SETUP_TENANT_NAME: optional,
  GATEHOUSE_ENCRYPTION_KEY: optional.refine(
    (v) => v === undefined || ENCRYPTION_KEY_FORMAT.test(v),
    "GATEHOUSE_ENCRYPTION_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)",
  ),
  GATEHOUSE_UPSTREAM_ALLOW: networkAllowList,
  GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Largest JSON-RPC message an agent may POST. */
  GATEHOUSE_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Host names (besides localhost and AUTH_URL's) the MCP endpoint answers to: its DNS-rebinding guard. */
  GATEHOUSE_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean)),
  /** Browser origins allowed to call the MCP endpoint (none by default; MCP clients send no Origin). */
  GATEHOUSE_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((o) => o.trim().toLowerCase().replace(/\/$/, "")).filter(Boolean)),
  /** The operator's JSON file of platform upstream servers (stdio allowed there only). */
  GATEHOUSE_PLATFORM_SERVERS: optional,
});

export type Env = z.infer<typeof schema> & {
  /** Absolute path of the embedded database's data directory. */
  dataDir: string;
  /** True when no DATABASE_URL is set and Gatehouse runs on embedded PGlite. */
  embedded: boolean;
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
  /** Private ranges upstream servers may use anyway, from GATEHOUSE_UPSTREAM_ALLOW. */
  upstreamPolicy: NetworkPolicy;
};

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Gatehouse configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error("Invalid Gatehouse configuration: OIDC needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together.");
  }
  return {
    ...e,
    dataDir: path.resolve(e.GATEHOUSE_DATA_DIR),
    embedded: !e.DATABASE_URL,
    oidc: e.OIDC_ISSUER
      ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, name: e.OIDC_NAME }
      : undefined,
    upstreamPolicy: { allow: e.GATEHOUSE_UPSTREAM_ALLOW },
  };
}

export const env: Env = parseEnv(process.env);
