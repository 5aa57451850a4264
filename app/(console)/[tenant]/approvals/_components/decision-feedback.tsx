"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { Alert } from "@/components/alert";
import type { Decided } from "../actions";

type OnDecided = (approvalId: string, decided: Decided) => void;
const FeedbackContext = createContext<OnDecided>(() => {});

/** What the reviewer's click did, in words: what the agent sees and when. */
function describe({ decision, status, exposedName, agentName }: Decided): string {
  if (decision === "deny") return `You denied ${exposedName} for ${agentName}. If the agent is still waiting, its call fails now, with your comment.`;
  if (status === "pending") return `You approved ${exposedName} for ${agentName}. It needs another approval by someone else before it can run.`;
  return `You approved ${exposedName} for ${agentName}. It runs once: now if the agent is still waiting, otherwise when the agent repeats the call.`;
}

/**
 * Says what a decision did (a polite live region that outlives the request
 * it speaks of) and keeps the keyboard in place: once the decided request
 * leaves the list, or its buttons go, focus moves to the next request's
 * heading (or this message when none is left) instead of falling to the page.
 * Requests inside carry `data-approval` and a heading with `data-approval-heading`.
 */
export function DecisionFeedback({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<{ id: string; index: number } | null>(null);

  const onDecided = useCallback<OnDecided>((approvalId, decided) => {
    const cards = [...(container.current?.querySelectorAll<HTMLElement>("[data-approval]") ?? [])];
    pendingFocus.current = { id: approvalId, index: cards.findIndex((c) => c.dataset.approval === approvalId) };
    setMessage(describe(decided));
  }, []);

  // After every render: the page re-read after a decision arrives as new children.
  useEffect(() => {
    const target = pendingFocus.current;
    const root = container.current;
    if (!target || !root) return;
    const card = root.querySelector<HTMLElement>(`[data-approval="${CSS.escape(target.id)}"]`);
    if (card?.querySelector("form")) return; // not re-read yet
    pendingFocus.current = null;
    const active = document.activeElement;
    const focusLost = !active || active === document.body || !active.isConnected || (card?.contains(active) ?? false);
    if (!focusLost) return;
    const cards = [...root.querySelectorAll<HTMLElement>("[data-approval]")];
    const next = card ?? cards[Math.min(target.index, cards.length - 1)];
    const heading = next?.querySelector<HTMLElement>("[data-approval-heading]");
    (heading ?? status.current)?.focus();
  });

  return (
    <FeedbackContext.Provider value={onDecided}>
      <div ref={container}>
        <div ref={status} tabIndex={-1} aria-live="polite" className="outline-none">
          {message ? (
            <Alert tone="success" className="mb-6">
              {message}
            </Alert>
          ) : null}
        </div>
        {children}
      </div>
    </FeedbackContext.Provider>
  );
}

export function useOnDecided(): OnDecided {
  return useContext(FeedbackContext);
}
