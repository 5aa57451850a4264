import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv as parseProcessEnv } from "./env";

const parseEnv = (vars: Record<string, string>) => parseProcessEnv(vars as NodeJS.ProcessEnv);

const SECRET = "s".repeat(32);
const OIDC = { OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "gatehouse", OIDC_CLIENT_SECRET: "shh" };

const failure = (source: Record<string, string>): string => {
  try {
    parseEnv(source);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected parseEnv to throw");
};

describe("parseEnv", () => {
  it("defaults to the embedded database in ./.data and an 8-hour session", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AUTH_SECRET).toBeUndefined();
    expect(env).toMatchObject({
      GATEHOUSE_DATA_DIR: ".data",
      GATEHOUSE_DB_POOL_MAX: 10,
      GATEHOUSE_SESSION_MAX_AGE: 8 * 60 * 60,
      OIDC_NAME: "Single sign-on",
      embedded: true,
    });
    expect(env.oidc).toBeUndefined();
    expect(env.dataDir).toBe(path.resolve(".data"));
    expect(path.isAbsolute(env.dataDir)).toBe(true);
  });

  it("resolves a relative data directory against the working directory and keeps an absolute one", () => {
    expect(parseEnv({ GATEHOUSE_DATA_DIR: "var/db" }).dataDir).toBe(path.join(process.cwd(), "var", "db"));
    expect(parseEnv({ GATEHOUSE_DATA_DIR: " /srv/gatehouse " }).dataDir).toBe("/srv/gatehouse");
  });

  it("uses Postgres when DATABASE_URL is set, and treats an empty or blank one as unset", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://db/gatehouse" })).toMatchObject({ embedded: false, DATABASE_URL: "postgres://db/gatehouse" });
    expect(parseEnv({ DATABASE_URL: "" }).embedded).toBe(true);
    expect(parseEnv({ DATABASE_URL: "   " }).embedded).toBe(true);
  });

  it("coerces numbers from strings", () => {
    expect(parseEnv({ GATEHOUSE_DB_POOL_MAX: "25", GATEHOUSE_SESSION_MAX_AGE: "3600" })).toMatchObject({
      GATEHOUSE_DB_POOL_MAX: 25,
      GATEHOUSE_SESSION_MAX_AGE: 3600,
    });
  });

  it.each([
    ["GATEHOUSE_DB_POOL_MAX", "0"],
    ["GATEHOUSE_DB_POOL_MAX", "201"],
    ["GATEHOUSE_DB_POOL_MAX", "lots"],
    ["GATEHOUSE_DB_POOL_MAX", "2.5"],
    ["GATEHOUSE_SESSION_MAX_AGE", "59"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    const message = failure({ [name]: value });
    expect(message).toMatch(/^Invalid Gatehouse configuration:/);
    expect(message).toContain(`${name}:`);
  });

  it("refuses an AUTH_SECRET shorter than 32 characters and accepts 32", () => {
    expect(failure({ AUTH_SECRET: "s".repeat(31) })).toContain("AUTH_SECRET: AUTH_SECRET must be at least 32 characters");
    expect(parseEnv({ AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
    expect(parseEnv({ AUTH_SECRET: "" }).AUTH_SECRET).toBeUndefined();
  });

  it("lists every bad variable, one per line", () => {
    const message = failure({ AUTH_SECRET: "short", GATEHOUSE_DB_POOL_MAX: "0" });
    expect(message.split("\n").slice(1).map((l) => l.trim().split(":")[0]).sort()).toEqual(["AUTH_SECRET", "GATEHOUSE_DB_POOL_MAX"]);
  });

  it("switches OIDC on with issuer, client id and secret together", () => {
    expect(parseEnv(OIDC).oidc).toEqual({ issuer: OIDC.OIDC_ISSUER, clientId: "gatehouse", clientSecret: "shh", name: "Single sign-on" });
    expect(parseEnv({ ...OIDC, OIDC_NAME: "Okta" }).oidc?.name).toBe("Okta");
  });

  it.each([
    ["only the issuer", { OIDC_ISSUER: OIDC.OIDC_ISSUER }],
    ["only the client id", { OIDC_CLIENT_ID: "gatehouse" }],
    ["only the secret", { OIDC_CLIENT_SECRET: "shh" }],
    ["no secret", { OIDC_ISSUER: OIDC.OIDC_ISSUER, OIDC_CLIENT_ID: "gatehouse" }],
    ["no issuer", { OIDC_CLIENT_ID: "gatehouse", OIDC_CLIENT_SECRET: "shh" }],
    ["a blank client id", { ...OIDC, OIDC_CLIENT_ID: "  " }],
  ])("refuses a partial OIDC configuration: %s", (_label, source) => {
    expect(failure(source)).toBe(
      "Invalid Gatehouse configuration: OIDC needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together.",
    );
  });

  it("leaves the encryption key unset by default and accepts 32 bytes in base64 or base64url", () => {
    expect(parseEnv({}).GATEHOUSE_ENCRYPTION_KEY).toBeUndefined();
    const key = Buffer.alloc(32, 0xfb);
    expect(parseEnv({ GATEHOUSE_ENCRYPTION_KEY: key.toString("base64") }).GATEHOUSE_ENCRYPTION_KEY).toBe(key.toString("base64"));
    expect(parseEnv({ GATEHOUSE_ENCRYPTION_KEY: key.toString("base64url") }).GATEHOUSE_ENCRYPTION_KEY).toBe(key.toString("base64url"));
  });

  it.each([
    ["16 bytes", Buffer.alloc(16).toString("base64")],
    ["hex", Buffer.alloc(32).toString("hex")],
    ["a passphrase", "correct horse battery staple"],
  ])("refuses an encryption key that is %s without echoing it", (_label, value) => {
    const message = failure({ GATEHOUSE_ENCRYPTION_KEY: value });
    expect(message).toContain(
      "GATEHOUSE_ENCRYPTION_KEY: GATEHOUSE_ENCRYPTION_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)",
    );
    expect(message).not.toContain(value);
  });

  it("allows no private upstream ranges by default and parses a comma-separated allow list", () => {
    expect(parseEnv({}).upstreamPolicy).toEqual({ allow: [] });
    expect(parseEnv({ GATEHOUSE_UPSTREAM_ALLOW: " 127.0.0.0/8, fd00::/8 ,10.1.2.3,," }).upstreamPolicy).toEqual({
      allow: ["127.0.0.0/8", "fd00::/8", "10.1.2.3"],
    });
    expect(parseEnv({ GATEHOUSE_UPSTREAM_ALLOW: "*" }).upstreamPolicy).toEqual({ allow: ["*"] });
  });

  it.each(["10.0.0.0/33", "fd00::/129", "10.0.0/8", "localhost", "10.0.0.0/8/1", "10.0.0.0/x"])(
    "refuses the upstream allow entry %s, naming it",
    (entry) => {
      expect(failure({ GATEHOUSE_UPSTREAM_ALLOW: `127.0.0.0/8,${entry}` })).toContain(
        `GATEHOUSE_UPSTREAM_ALLOW: "${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8, nor "*"`,
      );
    },
  );

  it("limits upstream responses to 10 MiB by default", () => {
    expect(parseEnv({}).GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
    expect(parseEnv({ GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES: "1048576" }).GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES).toBe(1048576);
    expect(failure({ GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES: "lots" })).toContain("GATEHOUSE_MAX_UPSTREAM_RESPONSE_BYTES:");
  });
});
