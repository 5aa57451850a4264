import { randomBase62 } from "@/lib/ids";
import { maskSecret, seal, unseal } from "@/lib/secrets/seal";

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` and 32 random base62 characters (about 190 bits). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBase62(32)}`;
}

/** Binds a sealed signing secret to its tenant, so a copied ciphertext opens nowhere else. */
const sealContext = (tenantId: string) => `webhook-secret/${tenantId}`;

export const sealWebhookSecret = (secret: string, tenantId: string) => seal(secret, sealContext(tenantId));

export const unsealWebhookSecret = (sealed: string, tenantId: string) => unseal(sealed, sealContext(tenantId));

/** `whsec_••••3f9a`: enough to tell which secret a receiver holds. */
export const webhookSecretHint = (secret: string) => `${WEBHOOK_SECRET_PREFIX}${maskSecret(secret.slice(WEBHOOK_SECRET_PREFIX.length))}`;
