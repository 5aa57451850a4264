import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { AgentsIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Agents" };

export default function AgentsPage() {
  return (
    <ComingSoon
      title="Agents"
      summary="The machine identities that call tools through this tenant's MCP endpoint."
      icon={<AgentsIcon />}
      points={[
        "Create an agent for each AI client, so every call is attributed to one identity.",
        "Issue agent keys, shown once and stored hashed, and revoke them at any time.",
        "Bind agents to access roles that decide which tools they can see and call.",
      ]}
    />
  );
}
