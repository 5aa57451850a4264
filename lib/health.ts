import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";

export type Health = {
  status: "ok" | "unavailable";
  database: { status: "ok" | "unavailable"; driver?: "postgres" | "pglite"; latencyMs?: number; error?: string };
  uptimeSeconds: number;
};

const HEALTH_TIMEOUT_MS = 3000;

/** App and database state for load balancers and start-up waits; never hangs past a few seconds. */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  try {
    const probe = (async () => {
      const { db, driver } = await getDatabase();
      await db.execute(sql`select 1`);
      return driver;
    })();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("database did not answer in time")), HEALTH_TIMEOUT_MS).unref());
    const driver = await Promise.race([probe, timeout]);
    return {
      status: "ok",
      database: { status: "ok", driver, latencyMs: Math.round((performance.now() - started) * 10) / 10 },
      uptimeSeconds: Math.round(process.uptime()),
    };
  } catch (e) {
    return {
      status: "unavailable",
      database: { status: "unavailable", error: (e as Error).message.split("\n")[0] },
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
