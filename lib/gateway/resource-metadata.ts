import { publicOrigin } from "@/lib/http/public-origin";
import { AGENT_KEY_PREFIX } from "@/lib/agents/keys";

/**
 * RFC 9728 protected-resource metadata of a tenant's MCP endpoint. Served for
 * any well-formed slug, so it tells nobody which tenants exist. Agent keys
 * are issued in the console, not by an authorization server, so none is named.
 */
export function protectedResourceMetadata(req: Request, tenantSlug: string): Response {
  if (!/^[a-z0-9-]{1,64}$/.test(tenantSlug)) return Response.json({ error: "not_found" }, { status: 404 });
  const origin = publicOrigin(req.headers) || new URL(req.url).origin;
  return Response.json(
    {
      resource: `${origin}/t/${tenantSlug}/mcp`,
      resource_name: `Gatehouse MCP endpoint of tenant ${tenantSlug}`,
      bearer_methods_supported: ["header"],
      resource_documentation: `${origin}/${tenantSlug}/agents`,
      gatehouse_key_prefix: AGENT_KEY_PREFIX,
    },
    { headers: { "cache-control": "public, max-age=300" } },
  );
}
