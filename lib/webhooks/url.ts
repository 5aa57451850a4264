import dns from "node:dns";
import net from "node:net";
import { AppError, isAppError } from "@/lib/errors";
import { assertPublicUrl, type NetworkPolicy } from "@/lib/upstream/url-guard";

const invalid = (message: string) => new AppError("validation_failed", message, { fields: { url: [message] } });

/**
 * The guard's refusal ("The URL resolves to 10.0.0.1, a private address; …
 * upstream servers …") said for a webhook; other messages pass unchanged.
 */
export function webhookAddressMessage(message: string): string {
  const refused = /^The URL resolves to (\S+), (.+?) address;/.exec(message);
  if (!refused) return message;
  return (
    `The URL resolves to ${refused[1]}, ${refused[2]} address; Gatehouse sends webhooks to public addresses only. ` +
    "If the receiver is meant to be reachable there, the platform operator can allow its range with GATEHOUSE_UPSTREAM_ALLOW."
  );
}

function inAllowList(address: string, policy: NetworkPolicy): boolean {
  if (policy.allow.includes("*")) return true;
  const list = new net.BlockList();
  for (const cidr of policy.allow) {
    const [base = "", bits] = cidr.split("/");
    const family = net.isIPv6(base) ? "ipv6" : "ipv4";
    list.addSubnet(base, bits === undefined ? (family === "ipv4" ? 32 : 128) : Number(bits), family);
  }
  const bare = address.split("%")[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  return list.check(bare, net.isIPv6(bare) ? "ipv6" : "ipv4") || (mapped !== undefined && list.check(mapped, "ipv4"));
}

/**
 * Checks a tenant's webhook URL before it is saved: it must resolve to public
 * addresses only (unless the platform operator allows the range), and plain
 * http:// is accepted only where every address is in the operator's allow
 * list — deliveries carry approval details, so they travel encrypted. The
 * guarded fetch checks the addresses again at every delivery.
 */
export async function assertWebhookUrl(url: string, policy: NetworkPolicy): Promise<void> {
  let parsed: URL;
  try {
    parsed = await assertPublicUrl(url, policy);
  } catch (e) {
    if (isAppError(e)) throw invalid(webhookAddressMessage(e.message));
    throw e;
  }
  if (parsed.protocol === "https:") return;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = await dns.promises.lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (addresses.length === 0 || addresses.some(({ address }) => !inAllowList(address, policy))) {
    throw invalid("Use an https:// URL: deliveries carry approval details. Plain http:// is accepted only to addresses the platform operator allows (GATEHOUSE_UPSTREAM_ALLOW).");
  }
}
