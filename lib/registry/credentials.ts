import { maskSecret, seal } from "@/lib/secrets/seal";
import type { UpstreamAuth } from "./schemas";

/** What a sealed credential becomes on the wire: the headers sent to the upstream. */
export function credentialHeaders(auth: UpstreamAuth): Record<string, string> {
  if (auth.kind === "bearer") return { authorization: `Bearer ${auth.token}` };
  if (auth.kind === "headers") return { ...auth.headers };
  return {};
}

export function sealAuth(auth: UpstreamAuth, tenantId: string, serverId: string) {
  if (auth.kind === "none") return { authKind: auth.kind, sealedCredentials: null, credentialHint: null };
  const hint =
    auth.kind === "bearer"
      ? `Bearer ${maskSecret(auth.token)}`
      : Object.keys(auth.headers)
          .map((h) => `${h}: ${maskSecret(auth.headers[h]!)}`)
          .join(", ");
  return { authKind: auth.kind, sealedCredentials: seal(JSON.stringify(auth), sealContext(tenantId, serverId)), credentialHint: hint };
}

/** Binds sealed credentials to their tenant and server, so a copied ciphertext opens nowhere else. */
export const sealContext = (tenantId: string, serverId: string) => `server-credentials/${tenantId}/${serverId}`;

