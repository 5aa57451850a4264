import os from "node:os";
import path from "node:path";
import fs from "node:fs";

/** The file in which e2e/serve.ts leaves the URL of the PostgreSQL database the app under test uses. */
export function serverDatabaseNote(port: string): string {
  return path.join(os.tmpdir(), `gatehouse-e2e-${port}.database`);
}

/** The app's PostgreSQL database (as the superuser who created it), or null when it runs on the embedded PGlite. */
export function serverDatabaseUrl(): string | null {
  const note = serverDatabaseNote(process.env.E2E_PORT ?? "3210");
  return fs.existsSync(note) ? fs.readFileSync(note, "utf8").trim() : null;
}
