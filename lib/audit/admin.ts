import type { AuditActorKind } from "@/db/schema";
import type { Tx } from "@/lib/db";
import type { Actor, TenantContext } from "@/lib/tenancy/context";
import { appendAuditEvent, auditRecord } from "./chain";
import { redactSecrets, secretFieldKind } from "./redact";

/** What an administrative change touched: `server`, `role`, `rule`, `agent`, `key`, `member`, `invitation`, `token`, `webhook`, `settings`, … */
export type AuditTarget = { type: string; id: string; name?: string | null };

export type AdminChange = {
  /** `<target type>.<verb>`, e.g. `server.created`, `member.role_changed`, `settings.updated`. */
  action: string;
  target: AuditTarget;
  /** The target before and after the change (null when created or deleted); secrets are omitted here. */
  before?: unknown;
  after?: unknown;
  /** An alert, e.g. the audit log switched to fail open. */
  alert?: boolean;
  reason?: string | null;
};

/** Whose change, in which tenant: a TenantContext, or just its tenant and actor where no console role applies (the platform's own changes). */
export type ChangeContext = Pick<TenantContext, "actor"> & { tenant: Pick<TenantContext["tenant"], "id"> };

/**
 * Records one administrative change in the transaction that makes it: if
 * the change commits, so does its audit event, and the other way round.
 * The event continues the chain of `ctx.tenant`, and leaves the
 * transaction scoped to that tenant.
 */
export async function recordAdminChange(tx: Tx, ctx: ChangeContext, change: AdminChange): Promise<void> {
  await appendAuditEvent(
    tx,
    auditRecord({
      tenantId: ctx.tenant.id,
      action: change.action,
      decision: "none",
      outcome: "ok",
      totalMs: 0,
      ...actorFields(ctx.actor),
      targetType: change.target.type,
      targetId: change.target.id,
      targetName: change.target.name ?? null,
      before: change.before == null ? null : withoutSecrets(change.before),
      after: change.after == null ? null : withoutSecrets(change.after),
      severity: change.alert ? "alert" : null,
      reason: change.reason ?? null,
    }),
  );
}

/** Who acted, as the audit log names them. */
export function actorFields(actor: Actor): { actorKind: AuditActorKind; actorId: string | null; actorName: string } {
  switch (actor.kind) {
    case "user":
      return { actorKind: "user", actorId: actor.userId, actorName: actor.name || actor.email };
    case "token":
      return { actorKind: "token", actorId: actor.tokenId, actorName: actor.name };
    case "operator":
      return { actorKind: "operator", actorId: null, actorName: actor.name };
  }
}

export const OMITTED = "[omitted]";

/**
 * Field names whose values never reach the audit log, only that they were
 * set: those the redactor masks in payloads (see secretFieldKind), and what
 * configuration adds to them: what derives from a secret (hashes, sealed
 * values), credentials, and header and environment maps, which often carry
 * secrets. `env` counts only as a map: as a plain value it is a label
 * (`env: "prod"`).
 */
export function isSecretField(key: string, value?: unknown): boolean {
  const kind = secretFieldKind(key);
  if (kind === "any" || (kind === "text" && (value === undefined || typeof value === "string"))) return true;
  const n = key.toLowerCase().replace(/[-_ ]/g, "");
  return (
    n.endsWith("hash") ||
    n.startsWith("sealed") ||
    ["authorization", "credentials", "headers", "environment", "cookie"].includes(n) ||
    (n === "env" && (value === undefined || (typeof value === "object" && value !== null)))
  );
}

/**
 * A copy of a configuration object fit for the audit log: every value under a
 * secret-looking field name is replaced by "[omitted]" (null stays null, so
 * "was a secret set" still shows), at any depth; inside every other text, the
 * secrets the audit redactor knows are masked (a URL's password or
 * `?api_key=…`, a Slack webhook URL, a provider's key), PII is not.
 */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return redactSecrets(value);
  if (value === null || typeof value !== "object") return value;
  // No prototype: a member named "__proto__" stays a member.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[key] = isSecretField(key, v) && v !== null ? OMITTED : withoutSecrets(v);
  }
  return out;
}
