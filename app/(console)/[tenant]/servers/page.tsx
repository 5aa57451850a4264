import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { ServersIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Servers" };

export default function ServersPage() {
  return (
    <ComingSoon
      title="Servers"
      summary="The upstream MCP servers this tenant's agents reach through the gateway."
      icon={<ServersIcon />}
      points={[
        "Register an upstream MCP server by URL, with credentials sealed at rest and never shown again.",
        "See each server's tool catalog, and notice when a tool's definition changes.",
        "Disable a server without deleting its history.",
      ]}
    />
  );
}
