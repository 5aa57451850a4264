import { z } from "zod";
import { piiDetectors } from "@/db/schema";
import { updateAuditSettingsInput } from "@/lib/audit/settings";
import { defineOperation } from "./operation";

const auditSettings = z.object({
  failOpen: z.boolean().meta({ description: "Answer a call whose audit event could not be written (raising an alert) instead of failing it" }),
  resultMaxBytes: z.number().int().meta({ description: "Stored results are cut to this many bytes of JSON after redaction" }),
  fullPayloads: z.boolean().meta({ description: "Unredacted arguments and results are also kept, sealed" }),
  retentionDays: z.number().int().nullable().meta({ description: "Events older than this are deleted down to a signed checkpoint; null keeps them all" }),
  redaction: z.object({
    detectors: z.array(z.enum(piiDetectors)),
    fieldRules: z.array(z.object({ path: z.string(), reason: z.string().optional() })),
  }),
});

/** How a tenant's audit log records: redaction, result size, full payloads, retention, fail-open (issue 5). */
export const auditSettingsOperations = {
  getAuditSettings: defineOperation({
    id: "getAuditSettings",
    method: "GET",
    path: "/tenants/{tenant}/audit-settings",
    tag: "Audit",
    summary: "How the tenant's audit log records agent requests: redaction, stored result size, full payloads, retention, fail-open",
    auth: "tenant",
    permission: "tenant.read",
    response: z.object({ settings: auditSettings }),
  }),
  updateAuditSettings: defineOperation({
    id: "updateAuditSettings",
    method: "PATCH",
    path: "/tenants/{tenant}/audit-settings",
    tag: "Audit",
    summary:
      "Change how the audit log records (only the fields given; `redaction.detectors` and `redaction.fieldRules` each replace the list). Audited with before and after; switching to fail-open raises an alert",
    auth: "tenant",
    permission: "audit.settings",
    body: updateAuditSettingsInput,
    response: z.object({ settings: auditSettings }),
  }),
};
