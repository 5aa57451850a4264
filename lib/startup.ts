import { getDatabase } from "@/db/client";
import { DataDirLockedError } from "@/db/data-dir-lock";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { countUsers } from "@/lib/auth/users";
import { startGateway } from "@/lib/gateway/runtime";
import { completeSetup, unattendedSetupInput } from "@/lib/tenancy/setup";

/**
 * Runs once per server process before it serves: opens and migrates the
 * database (taking the embedded data directory's lock), then applies the
 * unattended first run from GATEHOUSE_SETUP_* if nobody exists yet.
 */
export async function initialize(): Promise<void> {
  try {
    const { driver } = await getDatabase();
    console.log(`[gatehouse] database ready (${driver === "pglite" ? `embedded, ${env.dataDir}` : "PostgreSQL"})`);
    await setupFromEnvironment();
    await startGateway();
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`[gatehouse] ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

async function setupFromEnvironment(): Promise<void> {
  if (!env.GATEHOUSE_SETUP_EMAIL || !env.GATEHOUSE_SETUP_PASSWORD || (await countUsers()) > 0) return;
  const input = unattendedSetupInput();
  try {
    const { tenant } = await completeSetup(input);
    console.log(`[gatehouse] first run: created ${input.email} as owner of tenant "${tenant.slug}"`);
  } catch (e) {
    // Another process may have won the race; anything else is a configuration mistake to report.
    if (isAppError(e) && e.code === "conflict" && (await countUsers()) > 0) return;
    console.error(`[gatehouse] GATEHOUSE_SETUP_* could not be applied: ${(e as Error).message}`);
  }
}
