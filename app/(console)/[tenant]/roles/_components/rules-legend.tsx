/** How rules decide; the same semantics lib/policy/decide.ts implements. */
export function RulesLegend() {
  const strong = "font-medium text-zinc-900 dark:text-zinc-100";
  return (
    <ul className="grid gap-3 text-sm text-zinc-600 sm:grid-cols-2 lg:grid-cols-4 dark:text-zinc-400">
      <li>
        <span className={strong}>Deny by default.</span> A call no rule allows is denied. A tool, prompt or resource no rule could ever let through is
        invisible to the agent, and calling it fails as if it did not exist.
      </li>
      <li>
        <span className={strong}>Deny beats require approval beats allow.</span> Among the rules that apply, in this role or any other the agent holds,
        whatever the order: one deny denies; otherwise one require approval holds the call (the rule asking for more approvals wins); otherwise an allow
        lets it through.
      </li>
      <li>
        <span className={strong}>Conditions.</span> A rule with a CEL condition applies only when the condition is true for the call. A condition that
        cannot be evaluated (a missing argument, a type error) denies the call. A conditional deny leaves the tool listed.
      </li>
      <li>
        <span className={strong}>Globs.</span> In patterns <code className="font-mono">*</code> matches any run of characters and{" "}
        <code className="font-mono">?</code> exactly one; the rest is literal and case-sensitive. Tools and prompts match by their upstream name,
        resources by URI. Only tool calls can be held for approval.
      </li>
    </ul>
  );
}
