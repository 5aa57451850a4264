/** How rules decide, in three lines; the same semantics lib/policy/decide.ts implements. */
export function RulesLegend() {
  return (
    <ul className="grid gap-3 text-sm text-zinc-600 sm:grid-cols-3 dark:text-zinc-400">
      <li>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">Deny by default.</span> A tool, prompt or resource no rule allows is invisible to the
        agent, and calling it fails as if it did not exist.
      </li>
      <li>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">Deny beats allow.</span> A matching deny wins over any allow, in this role or any
        other the agent holds, whatever the order.
      </li>
      <li>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">Globs.</span> In patterns <code className="font-mono">*</code> matches any run of
        characters and <code className="font-mono">?</code> exactly one; the rest is literal and case-sensitive. Tools and prompts match by their upstream
        name, resources by URI.
      </li>
    </ul>
  );
}
