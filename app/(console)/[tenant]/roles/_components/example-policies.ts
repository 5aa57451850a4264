import type { RuleInput } from "@/lib/policy/schemas";

export type ExamplePolicy = { id: string; title: string; explanation: string; rules: RuleInput[] };

/**
 * Policies the console offers as starting points. lib/policy/simulate.db.test.ts
 * saves and simulates each one, so what is shown here is known to work.
 */
export const EXAMPLE_POLICIES: ExamplePolicy[] = [
  {
    id: "db-query-not-financials",
    title: "db__query, except on the financials table",
    explanation: "Give this role to the support agent: it may query any table but financials. A call on financials matches no rule, so it is denied.",
    rules: [{ target: "tool", server: "db", pattern: "query", effect: "allow", condition: "args.table != 'financials'" }],
  },
  {
    id: "jira-delete-project-approval",
    title: "jira__delete_project always needs approval",
    explanation: "Every call is held until a reviewer (or above) approves it; the request expires after an hour.",
    rules: [
      {
        target: "tool",
        server: "jira",
        pattern: "delete_project",
        effect: "require_approval",
        approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 },
      },
    ],
  },
  {
    id: "payments-refund-tiers",
    title: "payments__refund: 1 approval above 100, 2 above 1,000, denied above 10,000",
    explanation:
      "Refunds up to 100 go through. Deny beats require_approval and two approvals beat one, so every amount lands on exactly one tier however the rules are ordered.",
    rules: [
      { target: "tool", server: "payments", pattern: "refund", effect: "allow" },
      {
        target: "tool",
        server: "payments",
        pattern: "refund",
        effect: "require_approval",
        condition: "args.amount > 100",
        approval: { approverRole: "reviewer", approvalsRequired: 1, ttlSeconds: 3600 },
      },
      {
        target: "tool",
        server: "payments",
        pattern: "refund",
        effect: "require_approval",
        condition: "args.amount > 1000",
        approval: { approverRole: "admin", approvalsRequired: 2, ttlSeconds: 14400 },
      },
      {
        target: "tool",
        server: "payments",
        pattern: "refund",
        effect: "deny",
        condition: "args.amount > 10000",
        message: "Refunds above 10,000 are made by the finance team, not by agents.",
      },
    ],
  },
  {
    id: "office-hours",
    title: "Only on weekdays, 08:00–18:00 Europe/Berlin",
    explanation: "A deny on every tool outside office hours. Deny beats allow, so it holds whatever this agent's other rules allow.",
    rules: [
      {
        target: "tool",
        server: "*",
        pattern: "*",
        effect: "deny",
        condition: "!(request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && request.time.getHours('Europe/Berlin') >= 8 && request.time.getHours('Europe/Berlin') < 18)",
        message: "Tools are available on weekdays from 08:00 to 18:00 Berlin time.",
      },
    ],
  },
];
