import path from "node:path";
import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

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
});

export type Env = z.infer<typeof schema> & {
  /** Absolute path of the embedded database's data directory. */
  dataDir: string;
  /** True when no DATABASE_URL is set and Gatehouse runs on embedded PGlite. */
  embedded: boolean;
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
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
  };
}

export const env: Env = parseEnv(process.env);
