import { countPendingApprovals } from "@/lib/approvals/queries";
import { requireTenant } from "@/lib/auth/session";
import { startListening, subscribe } from "@/lib/events/bus";
import { can } from "@/lib/rbac/permissions";

/** A comment line every so often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/**
 * The stream ends after this long and the browser reconnects (the `retry`
 * below): each reconnect is authorized afresh, so a member who was removed or
 * signed out stops hearing this tenant's changes within minutes.
 */
const MAX_LIFETIME_MS = 5 * 60_000;
/** Changes that arrive together are counted once. */
const COUNT_DEBOUNCE_MS = 150;

/**
 * The console's live feed of this tenant's approval requests (Server-Sent
 * Events), for the inbox, the detail page and the navigation badge:
 *
 *   event: approval  data: {"approvalId":"apr_…","status":"approved"}  one request changed
 *   event: resync    data: {}                                          changes may have been missed: read again
 *   event: pending   data: {"count":3}                                 the number of requests waiting, on connect and after changes
 *
 * It carries ids and statuses only, never arguments: the pages read the rest
 * with the member's own permissions. Changes made in any process arrive here
 * through the event bus (Postgres LISTEN/NOTIFY).
 */
export async function GET(req: Request, { params }: { params: Promise<{ tenant: string }> }) {
  // A request of its own, like a server action: not a render, so no per-render cache to share.
  const ctx = await requireTenant((await params).tenant);
  if (!can(ctx.role, "approvals.read")) return new Response(null, { status: 403 });
  await startListening();

  const encoder = new TextEncoder();
  let close = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let countTimer: NodeJS.Timeout | undefined;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const send = (event: string, data: object) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const sendCount = () => {
        clearTimeout(countTimer);
        countTimer = setTimeout(() => {
          countPendingApprovals(ctx).then(
            (count) => send("pending", { count }),
            (e: Error) => console.error(`[approvals] pending count for the live feed failed: ${e.message}`),
          );
        }, COUNT_DEBOUNCE_MS);
      };

      // Subscribed before the first count, so a change in between is not missed.
      const unsubscribe = subscribe((event) => {
        if (event.kind === "reset") {
          send("resync", {});
          sendCount();
        } else if (event.kind === "approval" && event.tenantId === ctx.tenant.id) {
          send("approval", { approvalId: event.approvalId, status: event.status });
          sendCount();
        }
      });
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
      const lifetime = setTimeout(() => close(), MAX_LIFETIME_MS);
      heartbeat.unref();
      lifetime.unref();

      close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        clearTimeout(countTimer);
        req.signal.removeEventListener("abort", close);
        try {
          controller.close();
        } catch {
          // the client already went away
        }
      };
      req.signal.addEventListener("abort", close);
      if (req.signal.aborted) return close();

      write("retry: 3000\n\n");
      sendCount();
    },
    cancel() {
      close();
    },
  });

  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

export const dynamic = "force-dynamic";
