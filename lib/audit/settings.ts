import { eq } from "drizzle-orm";
import { z } from "zod";
import { piiDetectors, tenants, type AuditFieldRule, type PiiDetector } from "@/db/schema";
import { transaction, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { recordAdminChange } from "./admin";
import { parseFieldPath } from "./redact";

/** How a tenant's audit log records agent requests. */
export type AuditSettings = {
  /** Answer a call whose audit event could not be written (and raise an alert) instead of failing it. */
  failOpen: boolean;
  /** Stored results (and their previews) are cut to this many bytes of JSON, after redaction. */
  resultMaxBytes: number;
  /** Also keep the unredacted arguments and result of each request, sealed, for auditors. */
  fullPayloads: boolean;
  /** Events older than this many days are deleted down to a signed checkpoint; null keeps them all. */
  retentionDays: number | null;
  redaction: { detectors: PiiDetector[]; fieldRules: AuditFieldRule[] };
};

export const MIN_RESULT_BYTES = 1024;
export const MAX_RESULT_BYTES = 1024 * 1024;
export const MAX_FIELD_RULES = 50;

const fieldRule = z
  .object({
    path: z.string({ error: "A rule needs a path, e.g. args.password." }).trim().min(1, "A rule needs a path, e.g. args.password.").max(200, "A path has at most 200 characters."),
    reason: z
      .string()
      .trim()
      .max(60, "A reason has at most 60 characters.")
      .regex(/^[\w .:/-]*$/, "A reason uses letters, digits, spaces and _ . : / - only (it is shown inside the redaction marker).")
      .optional()
      .transform((r) => r || undefined),
  })
  .strict();

export const updateAuditSettingsInput = z
  .object({
    failOpen: z.boolean({ error: "failOpen is true or false." }).meta({ description: "Answer a call whose audit event could not be written (raising an alert) instead of failing it" }),
    resultMaxBytes: z
      .int(`Give the size in whole bytes, ${MIN_RESULT_BYTES} to ${MAX_RESULT_BYTES}.`)
      .min(MIN_RESULT_BYTES, `A stored result keeps at least ${MIN_RESULT_BYTES} bytes.`)
      .max(MAX_RESULT_BYTES, `A stored result keeps at most ${MAX_RESULT_BYTES} bytes (1 MiB).`)
      .meta({ description: "Stored results are cut to this many bytes of JSON after redaction; their full size and sha256 are kept" }),
    fullPayloads: z.boolean({ error: "fullPayloads is true or false." }).meta({ description: "Also keep unredacted arguments and results, sealed, readable with audit.read_payloads" }),
    retentionDays: z
      .int("Give the retention in whole days, or null to keep every event.")
      .min(1, "Retention is 1 to 3650 days, or null to keep every event.")
      .max(3650, "Retention is 1 to 3650 days, or null to keep every event.")
      .nullable()
      .meta({ description: "Delete events older than this many days (down to a signed checkpoint); null keeps them all" }),
    redaction: z
      .object({
        detectors: z
          .array(z.enum(piiDetectors, { error: `A detector is one of: ${piiDetectors.join(", ")}.` }), { error: `Give the detectors as a list of: ${piiDetectors.join(", ")}.` })
          .transform((list) => piiDetectors.filter((d) => list.includes(d)))
          .meta({ description: "PII detectors that are on; secrets are always masked" }),
        fieldRules: z
          .array(fieldRule, { error: "Give the field rules as a list of {path, reason?}." })
          .max(MAX_FIELD_RULES, `At most ${MAX_FIELD_RULES} field rules.`)
          .superRefine((rules, ctx) => {
            const seen = new Set<string>();
            rules.forEach((rule, i) => {
              try {
                parseFieldPath(rule.path);
              } catch (e) {
                ctx.addIssue({ code: "custom", path: [i, "path"], message: `Rule ${i + 1} (${rule.path}): ${(e as Error).message}` });
                return;
              }
              if (seen.has(rule.path)) ctx.addIssue({ code: "custom", path: [i, "path"], message: `Rule ${i + 1} (${rule.path}) repeats an earlier rule.` });
              seen.add(rule.path);
            });
          })
          .meta({ description: "Mask the whole value at a JSON path of the arguments or result: `args.password`, `args.customer.ssn`, `result.content[*].text`, `args.items[0].card`" }),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type UpdateAuditSettingsInput = z.input<typeof updateAuditSettingsInput>;

const columns = {
  failOpen: tenants.auditFailOpen,
  resultMaxBytes: tenants.auditResultMaxBytes,
  fullPayloads: tenants.auditFullPayloads,
  retentionDays: tenants.auditRetentionDays,
  redaction: tenants.auditRedaction,
};

async function selectSettings(tx: Tx, tenantId: string, lock = false): Promise<AuditSettings> {
  const query = tx.select(columns).from(tenants).where(eq(tenants.id, tenantId));
  // Not FOR UPDATE: that would conflict with the key-share lock every audit insert takes on its tenant, and deadlock against them.
  const [row] = lock ? await query.for("no key update") : await query;
  if (!row) throw notFound("The tenant");
  return { ...row, redaction: { detectors: row.redaction.detectors ?? [], fieldRules: row.redaction.fieldRules ?? [] } };
}

export async function getAuditSettings(ctx: TenantContext): Promise<AuditSettings> {
  assertCan(ctx, "tenant.read");
  return transaction({ tenantId: ctx.tenant.id }, (tx) => selectSettings(tx, ctx.tenant.id));
}

/**
 * Changes how the tenant's audit log records. The change and its audit event
 * (`audit_settings.updated`, before and after) commit together; a change
 * that weakens the log (see weakenings) is an alert. The gateway's snapshot of the tenant is
 * invalidated in every process, so the next request is recorded the new way.
 * An update that changes nothing writes nothing.
 */
export async function updateAuditSettings(ctx: TenantContext, input: UpdateAuditSettingsInput): Promise<AuditSettings> {
  assertCan(ctx, "audit.settings");
  const data = parseInput(updateAuditSettingsInput, input);
  return transaction({ tenantId: ctx.tenant.id }, async (tx) => {
    const before = await selectSettings(tx, ctx.tenant.id, true);
    const after: AuditSettings = {
      failOpen: data.failOpen ?? before.failOpen,
      resultMaxBytes: data.resultMaxBytes ?? before.resultMaxBytes,
      fullPayloads: data.fullPayloads ?? before.fullPayloads,
      retentionDays: data.retentionDays === undefined ? before.retentionDays : data.retentionDays,
      redaction: {
        detectors: data.redaction?.detectors ?? before.redaction.detectors,
        fieldRules: data.redaction?.fieldRules ?? before.redaction.fieldRules,
      },
    };
    if (JSON.stringify(after) === JSON.stringify(before)) return before;
    await tx
      .update(tenants)
      .set({
        auditFailOpen: after.failOpen,
        auditResultMaxBytes: after.resultMaxBytes,
        auditFullPayloads: after.fullPayloads,
        auditRetentionDays: after.retentionDays,
        auditRedaction: after.redaction,
      })
      .where(eq(tenants.id, ctx.tenant.id));
    const alerts = weakenings(before, after);
    await recordAdminChange(tx, ctx, {
      action: "audit_settings.updated",
      target: { type: "settings", id: ctx.tenant.id, name: "audit log" },
      before,
      after,
      alert: alerts.length > 0,
      reason: alerts.length > 0 ? alerts.join("; ") : null,
    });
    // The gateway's snapshot holds the recording settings.
    await publish(tx, { kind: "config", tenantId: ctx.tenant.id });
    return after;
  });
}

/**
 * What a change does that an auditor must notice, in words: the log fails
 * open, stores unredacted payloads, masks less, or keeps events for less
 * time. Empty when it does none of these.
 */
export function weakenings(before: AuditSettings, after: AuditSettings): string[] {
  const out: string[] = [];
  if (after.failOpen && !before.failOpen) out.push("the audit log now fails open: agent requests are answered even when their audit event cannot be written");
  if (after.fullPayloads && !before.fullPayloads) out.push("full payloads are now kept: unredacted arguments and results are stored (sealed) for auditors");
  const detectorsOff = before.redaction.detectors.filter((d) => !after.redaction.detectors.includes(d));
  if (detectorsOff.length > 0) out.push(`PII detection turned off: ${detectorsOff.join(", ")}`);
  const paths = new Set(after.redaction.fieldRules.map((r) => r.path));
  const rulesOff = before.redaction.fieldRules.filter((r) => !paths.has(r.path)).map((r) => r.path);
  if (rulesOff.length > 0) out.push(`redaction field rules removed: ${rulesOff.join(", ")}`);
  if (after.retentionDays !== null && (before.retentionDays === null || after.retentionDays < before.retentionDays)) {
    out.push(`events are now kept ${after.retentionDays} days (before: ${before.retentionDays === null ? "kept forever" : `${before.retentionDays} days`})`);
  }
  return out;
}
