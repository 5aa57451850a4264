/**
 * The origin people use to reach this server, for links we hand out (invitations):
 * AUTH_URL when the operator pinned it, else what the proxy or the client said.
 * Empty when unknown, so callers fall back to a relative path.
 */
export function publicOrigin(headers: Headers): string {
  const pinned = process.env.AUTH_URL;
  if (pinned) {
    try {
      return new URL(pinned).origin;
    } catch {
      // A malformed AUTH_URL is next-auth's to report; fall back to the request.
    }
  }
  const first = (name: string) => headers.get(name)?.split(",")[0]?.trim() || undefined;
  const host = first("x-forwarded-host") ?? first("host");
  if (!host || !/^[a-z0-9.\-:[\]]+$/i.test(host)) return "";
  const proto = first("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
