"use client";

import { Badge } from "@/components/badge";
import { usePendingApprovals } from "./live";

/** "3 waiting", kept current by the console's live approval feed; nothing when none wait. */
export function PendingApprovalsBadge() {
  const pending = usePendingApprovals();
  if (!pending) return null;
  return <Badge tone="warning">{pending} waiting</Badge>;
}
