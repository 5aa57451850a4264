import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { memberships } from "@/db/schema";
import { appendAuditEvent, auditRecord } from "@/lib/audit/chain";
import { setScope, type Tx } from "@/lib/db";
import { resolveAuthSecret } from "./secret";

/** Where a sign-in came from, as far as the request tells: never anything the person typed. */
export type SignInClient = { sourceIp: string | null; userAgent: string | null };

export const UNKNOWN_CLIENT: SignInClient = { sourceIp: null, userAgent: null };

const MAX_USER_AGENT = 256;

/**
 * The client of a sign-in request: its address as the proxy in front reports
 * it (the right-most X-Forwarded-For entry, the one our proxy appended, as the
 * MCP endpoint reads it) and its user agent, cut short.
 */
export function signInClientOf(headers: Headers | undefined | null): SignInClient {
  if (!headers) return UNKNOWN_CLIENT;
  const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || headers.get("x-real-ip")?.trim() || "";
  const sourceIp = /^[0-9a-f.:]{2,45}$/i.test(forwarded) ? forwarded : null;
  const userAgent = headers.get("user-agent")?.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, MAX_USER_AGENT) || null;
  return { sourceIp, userAgent };
}

export type SignInMethod = "password" | "oidc";

export type SignInOutcome =
  | { kind: "signed_in"; method: SignInMethod }
  /** `reason`: "wrong password", "locked", "no password (single sign-on only)". */
  | { kind: "failed"; method: SignInMethod; reason: string };

/**
 * Records a sign-in, or a refused one, in the audit log of every tenant the
 * account belongs to, in the caller's transaction (the one that updates the
 * sign-in throttle or links the identity), so the attempt and its record
 * commit together. The event names the account as its target; a success also
 * names it as the actor (a refusal has no known actor). Leaves the
 * transaction scoped to the account's user (and the last tenant written).
 * Returns how many tenants' logs got the event.
 */
export async function recordSignIn(
  tx: Tx,
  account: { id: string; email: string; name: string },
  outcome: SignInOutcome,
  client: SignInClient,
): Promise<number> {
  await setScope(tx, { userId: account.id });
  // In tenant order: two sign-ins appending to the same tenants' chains then queue, never deadlock.
  const tenants = await tx
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(eq(memberships.userId, account.id))
    .orderBy(memberships.tenantId);
  const ok = outcome.kind === "signed_in";
  for (const { tenantId } of tenants) {
    await appendAuditEvent(
      tx,
      auditRecord({
        tenantId,
        action: ok ? "auth.signed_in" : "auth.sign_in_failed",
        decision: "none",
        outcome: ok ? "ok" : "denied",
        totalMs: 0,
        method: outcome.method,
        ...(ok && { actorKind: "user" as const, actorId: account.id, actorName: account.name || account.email }),
        targetType: "user",
        targetId: account.id,
        targetName: account.email,
        reason: ok ? null : outcome.reason,
        sourceIp: client.sourceIp,
        clientName: client.userAgent,
      }),
    );
  }
  return tenants.length;
}

/**
 * A refused sign-in that belongs to no account (an email nobody has, an
 * identity the provider did not vouch for) has no tenant to be recorded in: it
 * leaves one server log line, naming the email only by a keyed hash (enough to
 * see repeated attempts at one address, not to read it) and never the password.
 */
export function logRefusedSignIn(event: { method: SignInMethod; email: string | null | undefined; reason: string; client: SignInClient }): void {
  const from = event.client.sourceIp ? ` from ${event.client.sourceIp}` : "";
  console.warn(`[auth] refused ${event.method} sign-in (${event.reason}) for email #${emailTag(event.email)}${from}`);
}

/** A short, keyed, one-way tag of an email address for logs: the same address always gives the same tag. */
export function emailTag(email: string | null | undefined): string {
  const normalized = String(email ?? "").trim().toLowerCase();
  if (!normalized) return "none";
  let key: string;
  try {
    key = resolveAuthSecret();
  } catch {
    key = "gatehouse-sign-in-log";
  }
  return createHmac("sha256", key).update(`sign-in-email:${normalized}`).digest("hex").slice(0, 12);
}
