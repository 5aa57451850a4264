import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { ApprovalsIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <ComingSoon
      title="Approvals"
      summary="Sensitive tool calls held for a person's decision before they reach the upstream server."
      icon={<ApprovalsIcon />}
      points={[
        "Review held calls with their full arguments, then approve or deny them.",
        "Let calls expire when nobody decides in time.",
        "Trace every decision and who made it in the audit log.",
      ]}
    />
  );
}
