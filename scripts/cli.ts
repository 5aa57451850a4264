// Gatehouse's command line, for scripts and CI: `npm run gatehouse -- <command>`.
//   migrate                          apply pending migrations and exit
//   setup --email E --password P [--name N] [--tenant-slug S] [--tenant-name T]
//                                    first run without a browser (fails once anyone exists)
//   audit verify TENANT_SLUG         recompute the tenant's audit chain; exit 1 if it is broken
//   audit prune TENANT_SLUG          delete the tenant's audit events older than its retention period now
//                                    (a running server does this hourly)
// Values may also come from GATEHOUSE_SETUP_* environment variables. On the
// embedded database, stop the server first: its data directory is locked.
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/db/client";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { pruneAuditLog } from "@/lib/audit/retention";
import { getAuditSettings } from "@/lib/audit/settings";
import { verifyAuditChain } from "@/lib/audit/verify";
import { completeSetup, unattendedSetupInput } from "@/lib/tenancy/setup";
import { operatorContext } from "@/lib/tenancy/tenants";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "migrate": {
      const { driver } = await getDatabase();
      console.log(`Migrations applied (${driver === "pglite" ? `embedded, ${env.dataDir}` : "PostgreSQL"}).`);
      return 0;
    }
    case "setup": {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: "string" },
          password: { type: "string" },
          name: { type: "string" },
          "tenant-slug": { type: "string" },
          "tenant-name": { type: "string" },
        },
      });
      const { user, tenant } = await completeSetup(
        unattendedSetupInput({
          email: values.email,
          password: values.password,
          name: values.name,
          tenantSlug: values["tenant-slug"],
          tenantName: values["tenant-name"],
        }),
      );
      console.log(`Created ${user.email} as owner of tenant "${tenant.slug}". Sign in at /sign-in.`);
      return 0;
    }
    case "audit": {
      const [sub, slug] = rest;
      if (sub === "prune" && slug) {
        const ctx = await operatorContext(slug);
        const { retentionDays } = await getAuditSettings(ctx);
        if (retentionDays === null) {
          console.log(`The tenant "${slug}" keeps every audit event (no retention period is set); nothing was deleted.`);
          return 0;
        }
        const pruned = await pruneAuditLog(ctx.tenant.id);
        console.log(
          pruned
            ? `Deleted ${pruned.deleted} audit events of "${slug}" older than ${retentionDays} days, through event ${pruned.throughSeq}, where a signed checkpoint stands.`
            : `No audit event of "${slug}" is older than ${retentionDays} days (or the last run deleted them); nothing was deleted.`,
        );
        return 0;
      }
      if (sub !== "verify" || !slug) break;
      const report = await verifyAuditChain(await operatorContext(slug));
      if (report.ok) {
        const from = report.prunedThrough === null ? "" : ` from event ${report.prunedThrough + 1} (retention deleted those before it, down to a signed checkpoint)`;
        console.log(`The audit chain of "${slug}" holds${from}: ${report.checked} events, through ${report.verifiedThrough?.hash ?? "(empty)"}.`);
        return 0;
      }
      const at = report.brokenAt!;
      console.error(`The audit chain of "${slug}" is broken at event ${at.seq}${at.eventId ? ` (${at.eventId})` : ""}: ${at.problem}. ${report.checked} events before it hold.`);
      return 1;
    }
  }
  console.error("Usage: npm run gatehouse -- migrate | setup --email E --password P [--name N] [--tenant-slug S] [--tenant-name T] | audit verify|prune TENANT_SLUG");
  return 2;
}

main(process.argv.slice(2))
  .then(async (code) => {
    await closeDatabase();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(isAppError(e) ? e.message : e instanceof Error ? e.message : String(e));
    await closeDatabase().catch(() => {});
    process.exit(1);
  });
