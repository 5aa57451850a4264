import { startApprovalSweeper } from "@/lib/approvals/sweeper";
import { startCheckpointWriter } from "@/lib/audit/checkpoints";
import { publishNow, startListening } from "@/lib/events/bus";
import { refreshCatalog } from "@/lib/registry/catalog";
import { startWebhookDelivery } from "@/lib/webhooks/deliver";
import { syncPlatformServers } from "@/lib/registry/platform-sync";
import { onIdleUpstreamNotification, onUpstreamListChanged } from "@/lib/upstream/pool";
import { notifySession } from "./live";

const REFRESH_DEBOUNCE_MS = 500;
const pending = new Map<string, NodeJS.Timeout>();

/**
 * Starts what the MCP endpoint needs in every process: hearing configuration
 * changes, following upstreams' list_changed notifications, the
 * operator's platform servers with their catalogs, closing approval
 * requests nobody decided in time, sending webhook deliveries, and signing
 * checkpoints of the audit chains.
 */
export async function startGateway(): Promise<void> {
  await startListening();
  startApprovalSweeper();
  startWebhookDelivery();
  startCheckpointWriter();
  // A resource update or log message outside any agent request goes to the session's GET stream, if this process holds it.
  onIdleUpstreamNotification((sessionId, notification) => void notifySession(sessionId, { jsonrpc: "2.0", ...notification }));
  onUpstreamListChanged((config, method) => {
    const key = `${config.id}|${method}`;
    clearTimeout(pending.get(key));
    const timer = setTimeout(() => {
      pending.delete(key);
      // Tools come from the stored catalog; resources and prompts are asked for live, so only agents need telling.
      const work =
        method === "notifications/tools/list_changed"
          ? refreshCatalog(config.tenantId, config.id)
          : publishNow({ kind: "config", tenantId: config.tenantId });
      work.catch((e: Error) => console.error(`[gateway] after ${method} from "${config.name}": ${e.message}`));
    }, REFRESH_DEBOUNCE_MS);
    timer.unref();
    pending.set(key, timer);
  });
  for (const s of await syncPlatformServers()) void refreshCatalog(s.tenantId, s.serverId).catch(() => {});
}
