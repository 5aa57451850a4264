import { Badge } from "@/components/badge";
import type { ServerView } from "@/lib/registry/servers";

export const TRANSPORT_LABELS: Record<string, string> = { streamable_http: "Streamable HTTP", sse: "HTTP + SSE", stdio: "stdio (platform)" };

/** Enabled or disabled, and whether the platform operator declared it. */
export function ServerStatus({ server }: { server: Pick<ServerView, "enabled" | "source"> }) {
  return (
    <span className="inline-flex flex-wrap gap-1.5">
      {server.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
      {server.source === "platform" ? <Badge tone="accent">Platform</Badge> : null}
    </span>
  );
}
