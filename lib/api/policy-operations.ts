import { z } from "zod";
import { approverRoles, ruleEffects, ruleTargets } from "@/db/schema";
import { replayInput } from "@/lib/policy/replay";
import { simulateInput } from "@/lib/policy/simulate";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();
const effect = z.enum(ruleEffects);

const decision = z.object({
  effect,
  rule: z.string().nullable().meta({ description: "The rule that decided, `role#position`; null when no rule matched (deny by default)" }),
  reason: z.string().meta({ description: "Why, in words" }),
  message: z.string().nullable().meta({ description: "deny: what the agent is told" }),
  approval: z
    .object({ approverRole: z.enum(approverRoles), approvalsRequired: z.number().int(), ttlSeconds: z.number().int() })
    .nullable()
    .meta({ description: "require_approval: who approves (that console role or above), how many different people, how long the request stays open" }),
  failed: z.boolean().meta({ description: "deny: a condition could not be evaluated, so the call is denied" }),
});

const traceEntry = z.object({
  rule: z.string().meta({ description: "`role#position`" }),
  role: z.string(),
  position: z.number().int(),
  draft: z.boolean().meta({ description: "The rule is one of the draft's (this role's), not another role's saved rule" }),
  target: z.enum(ruleTargets),
  server: z.string(),
  pattern: z.string(),
  effect,
  condition: z.string().nullable(),
  matched: z.boolean().meta({ description: "Target, server and pattern match the call" }),
  conditionResult: z.enum(["true", "false", "error"]).nullable().meta({ description: "For a matched rule with a condition" }),
  error: z.string().nullable(),
  decisive: z.boolean().meta({ description: "This rule decided" }),
});

const simulation = z.object({
  agent: z.object({ id: z.string(), name: z.string(), holdsRole: z.boolean().meta({ description: "false: simulated as if the agent held this role" }) }),
  tool: z.object({ exposedName: z.string(), server: z.string(), name: z.string() }),
  at: timestamp,
  decision: decision.meta({ description: "Under the draft" }),
  saved: decision.meta({ description: "Under the rules as saved, for comparison" }),
  listed: z.boolean().meta({ description: "Whether the agent would see the tool in tools/list under the draft" }),
  trace: z.array(traceEntry).meta({ description: "Every rule of the agent, in the order the gateway reads them, and how it fared" }),
});

const replayedEvent = {
  eventId: z.string(),
  at: timestamp,
  agent: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  tool: z.string().meta({ description: "`server__tool` as recorded" }),
  sessionId: z.string().nullable(),
};

const replay = z.object({
  counts: z.object({
    events: z.number().int().meta({ description: "tools/call events looked at" }),
    evaluated: z.number().int(),
    unchanged: z.number().int(),
    changed: z.number().int().meta({ description: "The draft decides differently from what was recorded" }),
    changedByDraft: z.number().int().meta({ description: "…and differently from the saved rules: the draft makes the difference" }),
    skipped: z.number().int(),
    notHoldingRole: z.number().int().meta({ description: "Evaluated events of agents that do not hold the role: the draft does not apply to them" }),
  }),
  transitions: z.array(z.object({ from: effect, to: effect, count: z.number().int() })),
  from: timestamp.nullable(),
  to: timestamp.nullable(),
  changes: z.array(
    z.object({
      ...replayedEvent,
      recorded: z.object({ effect, rule: z.string().nullable(), reason: z.string().nullable() }).meta({
        description: "What the gateway decided then; a held call counts as require_approval whatever reviewers did",
      }),
      saved: decision,
      draft: decision,
      byDraft: z.boolean(),
      holdsRole: z.boolean(),
    }),
  ),
  skipped: z.array(z.object({ ...replayedEvent, reason: z.string() })),
});

/** Admin API operations of this area; spread into `operations` (lib/api/operations.ts). */
export const policyOperations = {
  simulateRole: defineOperation({
    id: "simulateRole",
    method: "POST",
    path: "/tenants/{tenant}/roles/{role}/simulate",
    tag: "Access roles",
    summary:
      "Decide a hypothetical tools/call with draft rules in place of this role's, together with the agent's other roles (an agent without the role is simulated as if it held it); names the deciding rule and traces every rule. Saves nothing",
    auth: "tenant",
    permission: "roles.read",
    body: simulateInput,
    response: z.object({ simulation }),
  }),
  replayRole: defineOperation({
    id: "replayRole",
    method: "POST",
    path: "/tenants/{tenant}/roles/{role}/replay",
    tag: "Access roles",
    summary:
      "Replay the tenant's last `limit` audited tools/call requests with draft rules in place of this role's (for agents holding it) and list the decisions that would change; calls whose arguments were not stored are skipped. Needs audit.read too. Saves nothing",
    auth: "tenant",
    permission: "roles.read",
    body: replayInput,
    response: z.object({ replay }),
  }),
};
