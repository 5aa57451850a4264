import { and, asc, desc, eq, inArray, lte } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, type AuditDecision, type RuleEffect } from "@/db/schema";
import { NEWEST_FIRST } from "@/lib/audit/queries";
import { effectOfDecision, SESSION_CALLS_LIMIT, sessionCallOf, type SessionCall } from "@/lib/audit/session-calls";
import { inTenant, type Tx } from "@/lib/db";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { callBindings, toolBindings } from "./bindings";
import { decide, needsSession, type BoundRule } from "./decide";
import {
  bindDraft,
  draftRulesInput,
  loadTenantPolicy,
  rulesOf,
  serverToolKey,
  subjectOf,
  summarize,
  type CatalogEntry,
  type DecisionSummary,
  type PolicyAgent,
} from "./tenant-policy";

export const replayInput = z
  .object({
    rules: draftRulesInput,
    limit: z.int("Give a whole number of calls.").min(1, "Replay at least 1 call.").max(500, "Replay at most 500 calls.").default(100),
  })
  .strict();
export type ReplayInput = z.input<typeof replayInput>;

export type ReplayedEvent = {
  eventId: string;
  at: string;
  agent: { id: string | null; name: string | null };
  /** `server__tool` as recorded. */
  tool: string;
  sessionId: string | null;
};

export type ReplayChange = ReplayedEvent & {
  /** What the gateway decided then (a held call that was later approved or denied counts as require_approval). */
  recorded: { effect: RuleEffect; rule: string | null; reason: string | null };
  /** Under the rules as saved now. */
  saved: DecisionSummary;
  /** Under the draft. */
  draft: DecisionSummary;
  /** The draft makes the difference (saved ≠ draft); otherwise the rules or the context changed since the call. */
  byDraft: boolean;
  /** The agent holds the role now; if not, the draft does not apply to it. */
  holdsRole: boolean;
};

export type ReplaySkip = ReplayedEvent & { reason: string };

export type Replay = {
  counts: { events: number; evaluated: number; unchanged: number; changed: number; changedByDraft: number; skipped: number; notHoldingRole: number };
  /** How the changes go, e.g. 3 × allow → deny. */
  transitions: { from: RuleEffect; to: RuleEffect; count: number }[];
  /** The window of the replayed events. */
  from: string | null;
  to: string | null;
  changes: ReplayChange[];
  skipped: ReplaySkip[];
};


type EventRow = {
  id: string;
  occurredAt: Date;
  agentId: string | null;
  agentName: string | null;
  sessionId: string | null;
  server: string | null;
  tool: string | null;
  arguments: unknown;
  decision: AuditDecision;
  clientName: string | null;
  clientVersion: string | null;
  rule: string | null;
  reason: string | null;
  approvalId: string | null;
};

const isTruncated = (args: unknown) => typeof args === "object" && args !== null && (args as { _truncated?: unknown })._truncated === true;

/**
 * Replays the tenant's last `limit` audited tools/call requests against the
 * draft rules of `roleName` and reports which decisions would change.
 *
 * Each call is decided as the gateway would decide it now for the agent that
 * made it: with the agent's current roles, labels and the current tool
 * catalog, at the time it was made, with its recorded arguments and client,
 * and with the session's earlier calls rebuilt from the audit log before it.
 * The draft replaces the role's rules only for agents that hold the role now;
 * other agents are decided by their saved rules, so any change there is not
 * the draft's. The client's address is not recorded, so `request.source` is
 * empty. Calls whose arguments were not stored, whose agent or tool no longer
 * exists, or that were never decided are skipped, each with a reason.
 * Reads the audit log, so it needs audit.read besides roles.read.
 */
export async function replayCalls(ctx: TenantContext, roleName: string, input: ReplayInput): Promise<Replay> {
  assertCan(ctx, "roles.read");
  assertCan(ctx, "audit.read");
  const data = parseInput(replayInput, input);
  const draft = bindDraft(roleName, data.rules);

  return inTenant(ctx.tenant.id, async (tx) => {
    const world = await loadTenantPolicy(tx, ctx, roleName);
    const events: EventRow[] = await tx
      .select({
        id: auditEvents.id,
        occurredAt: auditEvents.occurredAt,
        agentId: auditEvents.agentId,
        agentName: auditEvents.agentName,
        sessionId: auditEvents.sessionId,
        server: auditEvents.server,
        tool: auditEvents.tool,
        arguments: auditEvents.arguments,
        decision: auditEvents.decision,
        clientName: auditEvents.clientName,
        clientVersion: auditEvents.clientVersion,
        rule: auditEvents.rule,
        reason: auditEvents.reason,
        approvalId: auditEvents.approvalId,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, ctx.tenant.id), eq(auditEvents.action, "mcp.request"), eq(auditEvents.method, "tools/call")))
      .orderBy(...NEWEST_FIRST)
      .limit(data.limit);

    type Planned = { event: EventRow; entry: CatalogEntry; agent: PolicyAgent; recorded: RuleEffect; savedRules: BoundRule[]; draftRules: BoundRule[] };
    const planned: Planned[] = [];
    const skipped: ReplaySkip[] = [];
    for (const event of events) {
      const skip = (reason: string) => skipped.push({ ...describeEvent(event), reason });
      if (!event.server || !event.tool) {
        skip("the agent named a tool that did not exist");
        continue;
      }
      if (event.decision === "none") {
        skip("the call failed before it was decided");
        continue;
      }
      if (isTruncated(event.arguments)) {
        skip("its arguments were too large to be stored");
        continue;
      }
      const agent = event.agentId ? world.agents.get(event.agentId) : undefined;
      if (!agent) {
        skip("the agent no longer exists");
        continue;
      }
      const entry = world.byServerTool.get(serverToolKey(event.server, event.tool));
      if (!entry) {
        skip("the tool is no longer in the catalog (or its server is disabled)");
        continue;
      }
      const recorded = event.approvalId ? "require_approval" : effectOfDecision[event.decision];
      planned.push({ event, entry, agent, recorded, savedRules: rulesOf(world, agent, null), draftRules: rulesOf(world, agent, draft) });
    }

    const history = await sessionHistory(
      tx,
      ctx.tenant.id,
      planned.filter((p) => p.event.sessionId && (needsSession(p.savedRules, subjectOf(p.entry)) || needsSession(p.draftRules, subjectOf(p.entry)))).map((p) => p.event),
    );

    const changes: ReplayChange[] = [];
    const transitions = new Map<string, { from: RuleEffect; to: RuleEffect; count: number }>();
    let notHoldingRole = 0;
    for (const { event, entry, agent, recorded, savedRules, draftRules } of planned) {
      const args = typeof event.arguments === "object" && event.arguments !== null && !Array.isArray(event.arguments) ? (event.arguments as Record<string, unknown>) : {};
      const bindings = () =>
        callBindings({
          args,
          tool: toolBindings(entry.server, entry.tool),
          agent,
          tenant: world.tenant,
          time: event.occurredAt,
          client: { name: event.clientName, version: event.clientVersion },
          session: { id: event.sessionId, calls: history(event) },
        });
      const subject = subjectOf(entry);
      const saved = summarize(decide(savedRules, subject, { bindings }));
      const proposed = summarize(decide(draftRules, subject, { bindings }));
      const holdsRole = agent.roles.has(roleName);
      if (!holdsRole) notHoldingRole += 1;
      if (proposed.effect === recorded) continue;
      changes.push({
        ...describeEvent(event),
        recorded: { effect: recorded, rule: event.rule, reason: event.reason },
        saved,
        draft: proposed,
        byDraft: saved.effect !== proposed.effect,
        holdsRole,
      });
      const key = `${recorded}>${proposed.effect}`;
      const t = transitions.get(key) ?? { from: recorded, to: proposed.effect, count: 0 };
      t.count += 1;
      transitions.set(key, t);
    }

    return {
      counts: {
        events: events.length,
        evaluated: planned.length,
        unchanged: planned.length - changes.length,
        changed: changes.length,
        changedByDraft: changes.filter((c) => c.byDraft).length,
        skipped: skipped.length,
        notHoldingRole,
      },
      transitions: [...transitions.values()].sort((a, b) => b.count - a.count),
      from: events.length ? events[events.length - 1]!.occurredAt.toISOString() : null,
      to: events.length ? events[0]!.occurredAt.toISOString() : null,
      changes,
      skipped,
    };
  });
}

function describeEvent(event: EventRow): ReplayedEvent {
  return {
    eventId: event.id,
    at: event.occurredAt.toISOString(),
    agent: { id: event.agentId, name: event.agentName },
    tool: event.server ? `${event.server}__${event.tool}` : (event.tool ?? ""),
    sessionId: event.sessionId,
  };
}

/**
 * The earlier calls of each replayed call's session, as the gateway read them
 * when the call was made: the session's tools/call events before it, the
 * latest 100, oldest first. One query for all the sessions involved.
 */
async function sessionHistory(tx: Tx, tenantId: string, events: EventRow[]): Promise<(event: EventRow) => SessionCall[]> {
  if (events.length === 0) return () => [];
  const sessions = [...new Set(events.map((e) => e.sessionId!))];
  const latest = new Date(Math.max(...events.map((e) => e.occurredAt.getTime())));
  const rows = await tx
    .select({ sessionId: auditEvents.sessionId, server: auditEvents.server, tool: auditEvents.tool, decision: auditEvents.decision, at: auditEvents.occurredAt })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.tenantId, tenantId),
        inArray(auditEvents.sessionId, sessions),
        eq(auditEvents.action, "mcp.request"),
        eq(auditEvents.method, "tools/call"),
        // A Date keeps milliseconds and Postgres microseconds: one more millisecond keeps the latest event's peers.
        lte(auditEvents.occurredAt, new Date(latest.getTime() + 1)),
      ),
    )
    .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id));
  const bySession = new Map<string, SessionCall[]>();
  for (const r of rows) {
    const list = bySession.get(r.sessionId!) ?? [];
    list.push(sessionCallOf(r));
    bySession.set(r.sessionId!, list);
  }
  return (event) => {
    if (!event.sessionId) return [];
    const before = (bySession.get(event.sessionId) ?? []).filter((c) => c.at < event.occurredAt);
    return before.slice(-SESSION_CALLS_LIMIT);
  };
}
