import type { Approval } from "@/db/schema";
import { isLive, subscribe } from "@/lib/events/bus";
import { findApproval } from "./requests";

export type WaitOptions = {
  /** Longest to wait, in milliseconds. */
  timeoutMs: number;
  /** The agent went away or cancelled. */
  signal: AbortSignal;
  /** Called every `tickMs` while waiting, with the time left (for progress notifications). */
  onTick?: (leftMs: number) => void;
  tickMs?: number;
};

const DEAF_RECHECK_MS = 2_000;

/**
 * Waits until the approval request leaves "pending", the time is up, or the
 * agent gives up; answers the request as it then stands. Woken by the change
 * event of whichever process decided (Postgres NOTIFY), then reads the row:
 * the database, not the event, is the truth. No polling.
 */
export async function waitForDecision(tenantId: string, approvalId: string, options: WaitOptions): Promise<Approval | undefined> {
  const started = Date.now();
  let wake: () => void = () => {};
  let woken = false;
  const unsubscribe = subscribe((event) => {
    // A reset means events may have been missed: look again.
    if (event.kind === "reset" || (event.kind === "approval" && event.approvalId === approvalId)) {
      woken = true;
      wake();
    }
  });
  const onAbort = () => wake();
  options.signal.addEventListener("abort", onAbort);
  const ticker = options.onTick && setInterval(() => options.onTick!(Math.max(0, options.timeoutMs - (Date.now() - started))), options.tickMs ?? 5_000);
  try {
    // Read once after subscribing: a decision made before now is not missed.
    let approval = await findApproval(tenantId, approvalId);
    while (approval?.status === "pending" && !options.signal.aborted) {
      const left = options.timeoutMs - (Date.now() - started);
      if (left <= 0) break;
      if (!woken) {
        await new Promise<void>((resolve) => {
          // Deaf to other processes while the LISTEN connection is down: look now and then instead.
          const timer = setTimeout(resolve, isLive() ? left : Math.min(left, DEAF_RECHECK_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      woken = false;
      approval = await findApproval(tenantId, approvalId);
    }
    return approval;
  } finally {
    unsubscribe();
    options.signal.removeEventListener("abort", onAbort);
    if (ticker) clearInterval(ticker);
  }
}
