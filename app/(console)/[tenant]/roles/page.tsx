import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { RolesIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Roles" };

export default function RolesPage() {
  return (
    <ComingSoon
      title="Access roles"
      summary="Which agent may call which tool, and on which conditions. Anything no rule allows is denied."
      icon={<RolesIcon />}
      points={[
        "Write rules per server and tool pattern that allow, deny or require a person's approval.",
        "Add conditions over the call's arguments, the agent and the time of day.",
        "See exactly which tools an agent can reach before it connects.",
      ]}
    />
  );
}
