import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * The key that signs console sessions. Configured explicitly when Gatehouse runs
 * on PostgreSQL (every process behind one URL must share it); generated once
 * into the data directory on the embedded default.
 */
export function resolveAuthSecret(): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (!env.embedded) {
    throw new Error("AUTH_SECRET is required when DATABASE_URL is set (generate one with: openssl rand -base64 33).");
  }
  const file = path.join(env.dataDir, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(33).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return fs.readFileSync(file, "utf8").trim(); // another caller won the race
    }
  }
}
