import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { AuditIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <ComingSoon
      title="Audit log"
      summary="Every tool call and every change to this tenant, in an append-only, hash-chained log."
      icon={<AuditIcon />}
      points={[
        "Search calls and changes by agent, tool, decision and time.",
        "Verify that no event was altered or removed.",
        "Export the log for your SIEM or an auditor.",
      ]}
    />
  );
}
