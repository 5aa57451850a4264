import { and, eq } from "drizzle-orm";
import { servers, tenants } from "@/db/schema";
import { recordAdminChange } from "@/lib/audit/admin";
import { inTenant, transaction } from "@/lib/db";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import type { Actor } from "@/lib/tenancy/context";
import { platformServers } from "./platform";

/** Who adds a declared server to a tenant, as the audit log names them. */
export const PLATFORM_OPERATOR: Actor = { kind: "operator", name: "platform operator (GATEHOUSE_PLATFORM_SERVERS)" };

/**
 * Makes each tenant named in the operator's file have its declared servers
 * (source "platform"). A tenant's own server of the same name is left alone
 * and the clash reported. Returns the ids of servers whose catalog should load.
 */
export async function syncPlatformServers(): Promise<{ tenantId: string; serverId: string }[]> {
  const touched: { tenantId: string; serverId: string }[] = [];
  for (const declared of platformServers()) {
    for (const slug of declared.tenants) {
      const [tenant] = await transaction({}, (tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)));
      if (!tenant) {
        console.warn(`[platform] server "${declared.key}" names tenant "${slug}", which does not exist (yet).`);
        continue;
      }
      await inTenant(tenant.id, async (tx) => {
        const [existing] = await tx
          .select({ id: servers.id, source: servers.source, platformKey: servers.platformKey, description: servers.description, timeoutMs: servers.timeoutMs })
          .from(servers)
          .where(and(eq(servers.tenantId, tenant.id), eq(servers.name, declared.name)));
        if (existing && (existing.source !== "platform" || existing.platformKey !== declared.key)) {
          console.warn(`[platform] tenant "${slug}" already has its own server "${declared.name}"; the declaration "${declared.key}" is not applied there.`);
          return;
        }
        if (existing) {
          touched.push({ tenantId: tenant.id, serverId: existing.id });
          return;
        }
        const id = newId("server");
        await tx.insert(servers).values({
          id,
          tenantId: tenant.id,
          name: declared.name,
          description: declared.description,
          transport: "stdio",
          namespace: declared.name,
          timeoutMs: declared.timeoutMs,
          source: "platform",
          platformKey: declared.key,
        });
        await recordAdminChange(tx, { tenant: { id: tenant.id }, actor: PLATFORM_OPERATOR }, {
          action: "server.created",
          target: { type: "server", id, name: declared.name },
          // The command, its arguments and environment stay with the operator: only what the tenant sees of the server.
          after: { name: declared.name, description: declared.description, transport: "stdio", namespace: declared.name, timeoutMs: declared.timeoutMs, enabled: true, source: "platform", platformKey: declared.key },
        });
        await publish(tx, { kind: "config", tenantId: tenant.id });
        touched.push({ tenantId: tenant.id, serverId: id });
      });
    }
  }
  return touched;
}
