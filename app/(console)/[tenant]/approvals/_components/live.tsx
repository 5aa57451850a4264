"use client";

import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ConsoleNav } from "@/components/console-nav";

/** One approval request changed (`approvalId`), or anything may have (null: after a reconnect). */
export type ApprovalChange = { approvalId: string | null; status?: string };

type Live = {
  /** Requests waiting for a decision; null when the member may not see approvals. */
  pending: number | null;
  subscribe: (listener: (change: ApprovalChange) => void) => () => void;
};

const LiveContext = createContext<Live>({ pending: null, subscribe: () => () => {} });

/** A hidden tab lets its connection go after this long (browsers allow few per site); it reconnects and catches up when shown. */
const HIDDEN_GRACE_MS = 60_000;
const REFRESH_DEBOUNCE_MS = 250;
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 60_000;

/**
 * One live connection per console tab to the tenant's approval feed
 * (approvals/stream): it keeps the pending count in the navigation current and
 * tells the pages that show approvals when to re-read. The browser's
 * EventSource reconnects by itself; each time the feed opens every listener
 * hears `{ approvalId: null }`, since changes may have been missed before.
 */
export function ApprovalsLiveProvider({ slug, initialPending, children }: { slug: string; initialPending: number | null; children: ReactNode }) {
  const [pending, setPending] = useState(initialPending);
  const listeners = useRef(new Set<(change: ApprovalChange) => void>());
  const enabled = initialPending !== null;

  // A refreshed layout brings a fresh count too.
  useEffect(() => setPending(initialPending), [initialPending]);

  useEffect(() => {
    if (!enabled) return;
    const notify = (change: ApprovalChange) => listeners.current.forEach((listener) => listener(change));
    let source: EventSource | undefined;
    let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = RETRY_MIN_MS;

    const connect = () => {
      clearTimeout(retryTimer);
      const feed = new EventSource(`/${encodeURIComponent(slug)}/approvals/stream`);
      source = feed;
      // Whatever changed before the feed was (re)connected, since the page was rendered, was not heard: look again.
      feed.onopen = () => {
        retryMs = RETRY_MIN_MS;
        notify({ approvalId: null });
      };
      // The browser retries a dropped stream by itself, but gives up on an error answer (a restart behind a proxy, say): try again later.
      feed.onerror = () => {
        if (feed.readyState !== EventSource.CLOSED || source !== feed) return;
        source = undefined;
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      };
      feed.addEventListener("pending", (e) => setPending((JSON.parse((e as MessageEvent<string>).data) as { count: number }).count));
      feed.addEventListener("approval", (e) => notify(JSON.parse((e as MessageEvent<string>).data) as ApprovalChange));
      feed.addEventListener("resync", () => notify({ approvalId: null }));
    };
    const disconnect = () => {
      clearTimeout(retryTimer);
      source?.close();
      source = undefined;
    };
    const onVisibility = () => {
      clearTimeout(hiddenTimer);
      if (document.visibilityState === "hidden") hiddenTimer = setTimeout(disconnect, HIDDEN_GRACE_MS);
      else if (!source) connect();
    };

    connect();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      clearTimeout(hiddenTimer);
      disconnect();
    };
  }, [slug, enabled]);

  const subscribe = useCallback((listener: (change: ApprovalChange) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const value = useMemo(() => ({ pending, subscribe }), [pending, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** The console navigation with the live count of requests waiting for a decision. */
export function LiveConsoleNav({ slug }: { slug: string }) {
  const { pending } = useContext(LiveContext);
  return <ConsoleNav slug={slug} pendingApprovals={pending ?? undefined} />;
}

/** The live count of requests waiting for a decision, or null when the member may not see approvals. */
export function usePendingApprovals(): number | null {
  return useContext(LiveContext).pending;
}

/** A refresh of the page's server components, at most one per burst of calls; nothing typed or focused is lost. */
export function useDebouncedRefresh(): () => void {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => router.refresh(), REFRESH_DEBOUNCE_MS);
  }, [router]);
}

/**
 * Re-reads the page when an approval request of the tenant changes (only
 * `approvalId` when given), without a reload: the page's server components
 * render again and client state such as a half-typed comment stays.
 */
export function RefreshOnApprovalChange({ approvalId }: { approvalId?: string }) {
  const { subscribe } = useContext(LiveContext);
  const refresh = useDebouncedRefresh();
  useEffect(
    () =>
      subscribe((change) => {
        if (!approvalId || change.approvalId === null || change.approvalId === approvalId) refresh();
      }),
    [subscribe, refresh, approvalId],
  );
  return null;
}
