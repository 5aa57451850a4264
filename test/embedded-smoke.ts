// Child process for the embedded-database test: opens the PGlite database in
// GATEHOUSE_DATA_DIR (DATABASE_URL unset) through db/client, which migrates it,
// runs a query as the app, closes, and prints one JSON line with what it saw.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { closeDatabase, getDatabase } from "@/db/client";
import { env } from "@/lib/env";

const lockFile = path.join(env.dataDir, "gatehouse.lock");
const { db, driver } = await getDatabase();
// Both drivers return the rows under `rows`; the shared Db type does not say so.
const rows = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
const who = await rows<{ current_user: string }>(sql`select current_user`);
const users = await rows<{ n: number }>(sql`select count(*)::int as n from users`);
const lockHeldWhileOpen = fs.existsSync(lockFile) && JSON.parse(fs.readFileSync(lockFile, "utf8")).pid === process.pid;
await closeDatabase();

console.log(
  JSON.stringify({
    embedded: env.embedded,
    driver,
    dataDir: env.dataDir,
    currentUser: who[0]?.current_user,
    users: users[0]?.n,
    lockHeldWhileOpen,
    lockReleased: !fs.existsSync(lockFile),
  }),
);
