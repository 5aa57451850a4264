import { createHash, randomBytes } from "node:crypto";
import type { AuditDecision, AuditOutcome, AuditRedaction } from "@/db/schema";
import { auditRecord, chainHash, contentHashOf, genesisHash, type AuditRecord } from "@/lib/audit/chain";
import { connectAsSuperuser, superuserQuery } from "./superuser";

// Many realistic audit events, fast, with a valid hash chain: for search and
// export at scale (a million rows in a few minutes). The rows are written as
// the superuser in multi-row INSERTs (one unnest per column), the content and
// chain hashes computed here with the functions the app itself uses (past the
// trigger that chains rows one by one), and the tenant's chain head moved to
// the last of them, so verification holds.

/** Runs one statement as a user allowed to write audit rows and chain heads directly. */
export type SuperuserQuery = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export type SeedAuditOptions = {
  tenantId: string;
  count: number;
  /** Events are spread evenly (with jitter) over [from, to], oldest first; default the 30 days up to now. */
  from?: Date;
  to?: Date;
  /** The same seed gives the same mix of events (ids and times aside); default 1. */
  seed?: number;
  /** Rows per INSERT (default 5,000). */
  batchSize?: number;
  /** Change or replace a generated event before it is hashed, e.g. to plant a needle at index i. */
  customize?: (record: AuditRecord, index: number) => AuditRecord | void;
  /** Where to write; default a superuser connection to the test database (or the embedded one). */
  query?: SuperuserQuery;
  /** Called after each batch with how many events are written. */
  onProgress?: (written: number) => void;
};

export type SeededAudit = { count: number; firstSeq: number; lastSeq: number; headHash: string; from: Date; to: Date };

const DAY = 24 * 60 * 60 * 1000;

/**
 * Appends `count` generated events to the tenant's audit chain, continuing
 * from its current head: agent requests of several agents to several servers
 * and tools (mostly allowed, some denied, held for approval or failing, with
 * log-normal latencies), the approval events of held calls, administrative
 * changes with before/after, and sign-ins. Arguments and results carry
 * order ids (`ORD-123456`), emails and everyday words, some redacted with
 * their markers. Nothing else may append to the tenant's chain meanwhile
 * (the head is moved at the end only if it has not moved since the start).
 */
export async function seedAuditEvents(options: SeedAuditOptions): Promise<SeededAudit> {
  const { tenantId, count } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 30 * DAY);
  if (!(from.getTime() <= to.getTime())) throw new Error("from must not be after to");
  const batchSize = options.batchSize ?? 5_000;

  let client: Awaited<ReturnType<typeof connectAsSuperuser>> | undefined;
  let query = options.query;
  if (!query) {
    if (process.env.DATABASE_URL) {
      const c = (client = await connectAsSuperuser());
      query = async (text, params) => (await c.query(text, params)).rows;
    } else {
      query = async (text, params) => superuserQuery(text, params);
    }
  }
  try {
    const [head] = (await query("select seq, hash from audit_chain_heads where tenant_id = $1", [tenantId])) as { seq: string | number; hash: string }[];
    const startSeq = head ? Number(head.seq) : 0;
    let prevHash = head ? head.hash : genesisHash(tenantId);
    let prevBefore = prevHash;
    const generator = new EventGenerator(tenantId, options.seed ?? 1);
    const span = to.getTime() - from.getTime();

    for (let done = 0; done < count; ) {
      const n = Math.min(batchSize, count - done);
      const rows: ChainedRecord[] = [];
      for (let k = 0; k < n; k++) {
        const i = done + k;
        const at = new Date(from.getTime() + Math.floor(((i + generator.random() * 0.9) / Math.max(count, 1)) * span));
        let record = generator.next(at);
        if (options.customize) record = options.customize(record, i) ?? record;
        const contentHash = contentHashOf(record);
        const hash = chainHash(prevHash, contentHash);
        rows.push({ record, seq: startSeq + i + 1, contentHash, prevHash, hash });
        prevBefore = prevHash;
        prevHash = hash;
      }
      await insertBatch(query, rows);
      done += n;
      options.onProgress?.(done);
    }

    if (count > 0) {
      const moved = await query(
        `insert into audit_chain_heads (tenant_id, seq, prev_hash, hash) values ($1, $2, $3, $4)
         on conflict (tenant_id) do update set seq = excluded.seq, prev_hash = excluded.prev_hash, hash = excluded.hash
         where audit_chain_heads.seq = $5
         returning seq`,
        [tenantId, startSeq + count, prevBefore, prevHash, startSeq],
      );
      if (moved.length !== 1) throw new Error(`the audit chain of ${tenantId} moved while it was being seeded`);
    }
    return { count, firstSeq: startSeq + 1, lastSeq: startSeq + count, headHash: prevHash, from, to };
  } finally {
    await client?.end();
  }
}

type ChainedRecord = { record: AuditRecord; seq: number; contentHash: string; prevHash: string; hash: string };

/** Columns, their array types, and how a record gives each value. */
const COLUMNS: [string, string, (r: ChainedRecord) => unknown][] = [
  ["id", "text", (r) => r.record.id],
  ["tenant_id", "text", (r) => r.record.tenantId],
  ["occurred_at", "timestamptz", (r) => r.record.occurredAt.toISOString()],
  ["action", "text", (r) => r.record.action],
  ["agent_id", "text", (r) => r.record.agentId],
  ["agent_name", "text", (r) => r.record.agentName],
  ["key_prefix", "text", (r) => r.record.keyPrefix],
  ["session_id", "text", (r) => r.record.sessionId],
  ["method", "text", (r) => r.record.method],
  ["server", "text", (r) => r.record.server],
  ["tool", "text", (r) => r.record.tool],
  ["arguments", "jsonb", (r) => json(r.record.arguments)],
  ["decision", "text", (r) => r.record.decision],
  ["outcome", "text", (r) => r.record.outcome],
  ["error", "text", (r) => r.record.error],
  ["upstream_ms", "int", (r) => r.record.upstreamMs],
  ["total_ms", "int", (r) => r.record.totalMs],
  ["client_name", "text", (r) => r.record.clientName],
  ["client_version", "text", (r) => r.record.clientVersion],
  ["jsonrpc_id", "text", (r) => r.record.jsonrpcId],
  ["rule", "text", (r) => r.record.rule],
  ["reason", "text", (r) => r.record.reason],
  ["approval_id", "text", (r) => r.record.approvalId],
  ["actor_id", "text", (r) => r.record.actorId],
  ["actor_name", "text", (r) => r.record.actorName],
  ["comment", "text", (r) => r.record.comment],
  ["severity", "text", (r) => r.record.severity],
  ["actor_kind", "text", (r) => r.record.actorKind],
  ["source_ip", "text", (r) => r.record.sourceIp],
  ["target_type", "text", (r) => r.record.targetType],
  ["target_id", "text", (r) => r.record.targetId],
  ["target_name", "text", (r) => r.record.targetName],
  ["before", "jsonb", (r) => json(r.record.before)],
  ["after", "jsonb", (r) => json(r.record.after)],
  ["result", "jsonb", (r) => json(r.record.result)],
  ["result_bytes", "int", (r) => r.record.resultBytes],
  ["result_hash", "text", (r) => r.record.resultHash],
  ["result_truncated", "boolean", (r) => r.record.resultTruncated],
  ["redactions", "jsonb", (r) => json(r.record.redactions)],
  ["sealed_payload", "text", (r) => r.record.sealedPayload],
  ["seq", "bigint", (r) => r.seq],
  ["content_hash", "text", (r) => r.contentHash],
  ["prev_hash", "text", (r) => r.prevHash],
  ["hash", "text", (r) => r.hash],
];

// One unnest per column: a batch is one statement with 44 parameters, however many rows. jsonb travels as text.
// The rows carry their places and hashes, computed here: the statement turns off (for itself only) the trigger
// that would otherwise give each inserted event the next place from the head.
const INSERT = `insert into audit_events (${COLUMNS.map(([c]) => c).join(", ")})
  select ${COLUMNS.map(([, type], i) => (type === "jsonb" ? `c${i}::jsonb` : `c${i}`)).join(", ")}
  from (select set_config('session_replication_role', 'replica', true)) as bulk, unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type === "jsonb" ? "text" : type}[]`).join(", ")}) as u(${COLUMNS.map((_c, i) => `c${i}`).join(", ")})`;

async function insertBatch(query: SuperuserQuery, rows: ChainedRecord[]): Promise<void> {
  await query(
    INSERT,
    COLUMNS.map(([, , get]) => rows.map(get)),
  );
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

// ── The generator ──────────────────────────────────────────────────────────

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A random id in the app's format (`evt_` and 20 base62 characters), unique across tenants and runs. */
function randomId(prefix: string): string {
  const bytes = randomBytes(20);
  let out = `${prefix}_`;
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

/** Agents, most busy, one rarely heard from. */
const AGENTS: [name: string, weight: number][] = [
  ["support-bot", 35],
  ["billing-agent", 20],
  ["ci-bot", 15],
  ["docs-helper", 12],
  ["sales-assistant", 8],
  ["ops-agent", 6],
  ["triage-bot", 3.9],
  ["night-auditor", 0.1],
];

type ToolSpec = { server: string; tool: string; weight: number; args: (g: EventGenerator) => Record<string, unknown>; result: (g: EventGenerator, args: Record<string, unknown>) => string };

const WORDS = ["invoice", "overdue", "shipping", "delayed", "password", "reset", "login", "broken", "upgrade", "plan", "cancel", "subscription", "discount", "duplicate", "charge", "warehouse", "address", "change", "priority", "outage"];
const CITIES = ["Lisbon", "Berlin", "Nairobi", "Osaka", "Lima", "Toronto", "Oslo", "Porto"];
const REPOS = ["acme/web", "acme/api", "acme/infra", "acme/mobile"];

const TOOLS: ToolSpec[] = [
  {
    server: "payments",
    tool: "refund",
    weight: 14,
    args: (g) => ({ orderId: g.orderId(), amount: g.int(5, 900) + 0.5, currency: g.pick(["EUR", "USD", "GBP"]), reason: `refund requested: ${g.words(3)}` }),
    result: (_g, a) => `Refunded ${a.orderId}: ${a.amount} ${a.currency}`,
  },
  {
    server: "payments",
    tool: "charge",
    weight: 6,
    args: (g) => ({ customerEmail: g.email(), orderId: g.orderId(), amount: g.int(10, 5000) }),
    result: (g, a) => `Charged ${a.amount} for ${a.orderId}, receipt RCPT-${g.int(100000, 999999)}`,
  },
  {
    server: "crm",
    tool: "lookup_customer",
    weight: 12,
    args: (g) => ({ email: g.email() }),
    result: (g, a) => `Customer ${a.email}: ${g.pick(["gold", "silver", "bronze"])} tier, ${g.int(1, 40)} orders, last ${g.orderId()}`,
  },
  {
    server: "crm",
    tool: "update_customer",
    weight: 4,
    args: (g) => ({ customerId: `CUS-${g.int(10000, 99999)}`, fields: { address: `${g.int(1, 300)} ${g.pick(CITIES)} Street`, note: g.words(4) } }),
    result: () => "Updated",
  },
  {
    server: "github",
    tool: "create_issue",
    weight: 10,
    args: (g) => ({ repo: g.pick(REPOS), title: `${g.words(4)}`, body: `Reported by ${g.email()} about ${g.orderId()}: ${g.words(8)}` }),
    result: (g, a) => `Created ${a.repo}#${g.int(1, 9000)}`,
  },
  {
    server: "github",
    tool: "search_code",
    weight: 8,
    args: (g) => ({ repo: g.pick(REPOS), query: g.words(2) }),
    result: (g) => `${g.int(0, 40)} matches`,
  },
  {
    server: "github",
    tool: "merge_pull_request",
    weight: 3,
    args: (g) => ({ repo: g.pick(REPOS), number: g.int(1, 9000) }),
    result: () => "Merged",
  },
  {
    server: "jira",
    tool: "search",
    weight: 8,
    args: (g) => ({ jql: `project = SUP AND text ~ "${g.words(2)}"` }),
    result: (g) => `${g.int(0, 25)} tickets: SUP-${g.int(100, 9999)}, SUP-${g.int(100, 9999)}`,
  },
  {
    server: "jira",
    tool: "create_ticket",
    weight: 5,
    args: (g) => ({ project: "SUP", summary: g.words(5), reporter: g.email() }),
    result: (g) => `Created SUP-${g.int(100, 9999)}`,
  },
  {
    server: "docs",
    tool: "search_docs",
    weight: 12,
    args: (g) => ({ query: g.words(3) }),
    result: (g) => `Top result: "How to ${g.words(3)}" (score ${g.int(50, 99)})`,
  },
  {
    server: "weather",
    tool: "get_weather",
    weight: 6,
    args: (g) => ({ city: g.pick(CITIES) }),
    result: (g, a) => `weather in ${a.city}: ${g.int(-5, 35)} °C, ${g.pick(["sunny", "cloudy", "rain", "windy"])}`,
  },
  {
    server: "slack",
    tool: "post_message",
    weight: 6,
    args: (g) => ({ channel: g.pick(["#support", "#billing", "#ops", "#general"]), text: `${g.words(6)} (${g.orderId()})` }),
    result: (g) => `Posted ts=${g.int(1700000000, 1800000000)}.${g.int(100000, 999999)}`,
  },
  {
    server: "payments",
    tool: "delete_customer_data",
    weight: 0.5,
    args: (g) => ({ customerEmail: g.email(), confirm: true }),
    result: () => "Deleted",
  },
];

const ADMIN_ACTIONS: [action: string, type: string][] = [
  ["server.updated", "server"],
  ["server.created", "server"],
  ["role.updated", "role"],
  ["rule.created", "rule"],
  ["agent.created", "agent"],
  ["key.created", "key"],
  ["key.revoked", "key"],
  ["member.role_changed", "member"],
  ["settings.updated", "settings"],
];

const PEOPLE = [
  { id: "usr_dana000000000000000000", name: "Dana Admin", email: "dana@acme.example" },
  { id: "usr_rico000000000000000000", name: "Rico Reviewer", email: "rico@acme.example" },
  { id: "usr_ada0000000000000000000", name: "Ada Owner", email: "ada@acme.example" },
];

function pickWeighted<T>(random: number, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random * total;
  for (const [item, w] of items) {
    if ((r -= w) < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Makes one event after another; a held call's approval events follow it. */
class EventGenerator {
  readonly random: () => number;
  private readonly followUps: ((at: Date) => AuditRecord)[] = [];
  private session = { id: "", agent: "", calls: 0 };
  private readonly agentIds: Map<string, string>;

  constructor(
    private readonly tenantId: string,
    seed: number,
  ) {
    this.random = prng(seed);
    this.agentIds = new Map(AGENTS.map(([name]) => [name, `agt_${createHash("sha256").update(`${tenantId}:${name}`).digest("hex").slice(0, 20)}`]));
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
  words(n: number): string {
    return Array.from({ length: n }, () => this.pick(WORDS)).join(" ");
  }
  orderId(): string {
    return `ORD-${this.int(100000, 999999)}`;
  }
  email(): string {
    return `${this.pick(["alex", "sam", "kim", "noor", "li", "jo", "ari", "mika"])}.${this.int(1, 99999)}@example.test`;
  }
  /** Log-normal around `median` ms. */
  latency(median: number, spread = 0.8): number {
    const u = Math.max(this.random(), 1e-9);
    const v = this.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(median * Math.exp(spread * normal)));
  }

  next(at: Date): AuditRecord {
    const followUp = this.followUps.shift();
    if (followUp) return followUp(at);
    const r = this.random();
    if (r < 0.005) return this.adminChange(at);
    if (r < 0.01) return this.signIn(at);
    return this.agentRequest(at);
  }

  private base(at: Date): AuditRecord {
    return auditRecord({ id: randomId("evt"), tenantId: this.tenantId, occurredAt: at, action: "mcp.request", decision: "none", outcome: "ok", totalMs: 0 });
  }

  private agentRequest(at: Date): AuditRecord {
    if (this.session.calls <= 0) {
      this.session = { id: randomId("ses"), agent: pickWeighted(this.random(), AGENTS), calls: this.int(5, 40) };
    }
    this.session.calls--;
    const agent = this.session.agent;
    const event: AuditRecord = {
      ...this.base(at),
      agentId: this.agentIds.get(agent)!,
      agentName: agent,
      keyPrefix: `gth_agt_${agent.slice(0, 6).padEnd(6, "x")}`,
      sessionId: this.session.id,
      clientName: this.pick(["claude-code", "cursor", "vscode", "mcp-inspector"]),
      clientVersion: `1.${this.int(0, 9)}.${this.int(0, 20)}`,
      jsonrpcId: String(this.int(1, 5000)),
      sourceIp: `10.0.${this.int(0, 20)}.${this.int(1, 254)}`,
      actorKind: "agent",
    };
    const m = this.random();
    if (m >= 0.85) {
      const method = m < 0.93 ? "tools/list" : m < 0.97 ? "initialize" : "resources/read";
      return { ...event, method, totalMs: this.latency(4, 0.5) };
    }
    const spec = pickWeighted(
      this.random(),
      TOOLS.map((t) => [t, t.weight] as [ToolSpec, number]),
    );
    const args = spec.args(this);
    const call: AuditRecord = { ...event, method: "tools/call", server: spec.server, tool: spec.tool, arguments: args };

    const d = this.random();
    if (spec.tool === "delete_customer_data" || d < 0.07) {
      return {
        ...call,
        decision: "denied" as AuditDecision,
        outcome: "denied" as AuditOutcome,
        rule: `${spec.server}-guard#${this.int(1, 4)}`,
        reason: spec.tool === "delete_customer_data" ? "destructive tools are denied" : `denied: ${spec.tool} is not allowed for ${agent}`,
        error: "denied by policy",
        totalMs: this.latency(2, 0.4),
      };
    }
    if (d < 0.09) return this.heldCall(call);

    const upstreamMs = this.latency(spec.server === "weather" ? 40 : 120);
    const failed = this.random() < 0.03;
    if (failed) {
      const timeout = this.random() < 0.3;
      return {
        ...call,
        decision: "allowed",
        outcome: "error",
        rule: `${spec.server}-users#1`,
        error: timeout ? "upstream timed out after 30000 ms" : `upstream error: ${this.pick(["rate limited", "not found", "internal error"])}`,
        upstreamMs: timeout ? 30000 : upstreamMs,
        totalMs: (timeout ? 30000 : upstreamMs) + this.int(1, 8),
      };
    }
    return { ...call, decision: "allowed", outcome: "ok", rule: `${spec.server}-users#1`, upstreamMs, totalMs: upstreamMs + this.int(1, 8), ...this.stored(spec, args) };
  }

  /** The result as stored, and arguments redacted the way a tenant with the email detector keeps them (every third event). */
  private stored(spec: ToolSpec, args: Record<string, unknown>): Partial<AuditRecord> {
    const text = spec.result(this, args);
    let result: unknown = { content: [{ type: "text", text }] };
    let resultBytes = Buffer.byteLength(JSON.stringify(result));
    const resultHash = createHash("sha256").update(JSON.stringify(result)).digest("hex");
    let resultTruncated = false;
    if (this.random() < 0.01) {
      // A big result, cut to the tenant's limit: its true size stays.
      resultBytes = this.int(20_000, 2_000_000);
      resultTruncated = true;
      result = { content: [{ type: "text", text: `${text} …` }], _truncated: true };
    }
    const redactions: AuditRedaction[] = [];
    let stored: Record<string, unknown> = args;
    if (this.random() < 0.33) {
      stored = { ...args };
      for (const key of ["email", "customerEmail", "reporter"]) {
        if (typeof stored[key] === "string") {
          stored[key] = "[redacted:pii:email]";
          redactions.push({ path: `args.${key}`, reason: "pii:email" });
        }
      }
    }
    return { arguments: stored, result, resultBytes, resultHash, resultTruncated, redactions: redactions.length ? redactions : null };
  }

  /** A call held for approval, then the request and a reviewer's decision, as the next events. */
  private heldCall(call: AuditRecord): AuditRecord {
    const approvalId = randomId("apr");
    const person = this.pick(PEOPLE);
    const approved = this.random() < 0.8;
    this.followUps.push(
      (at) => ({ ...this.base(at), action: "approval.requested", approvalId, agentId: call.agentId, agentName: call.agentName, server: call.server, tool: call.tool, arguments: call.arguments, decision: "approval_required", outcome: "pending", actorKind: "agent" }),
      (at) => ({
        ...this.base(at),
        action: approved ? "approval.approved" : "approval.denied",
        approvalId,
        server: call.server,
        tool: call.tool,
        actorId: person.id,
        actorName: person.name,
        actorKind: "user",
        comment: approved ? `ok for ${this.pick(["this customer", "now", "the refund"])}` : "not without a ticket",
      }),
    );
    return { ...call, decision: "approval_required", outcome: "pending", approvalId, rule: `${call.server}-held#1`, reason: "needs a reviewer's approval", totalMs: this.latency(3, 0.4) };
  }

  private adminChange(at: Date): AuditRecord {
    const [action, type] = this.pick(ADMIN_ACTIONS);
    const person = this.pick(PEOPLE);
    const name = type === "server" ? this.pick(TOOLS).server : `${type}-${this.int(1, 30)}`;
    return {
      ...this.base(at),
      action,
      actorKind: "user",
      actorId: person.id,
      actorName: person.name,
      sourceIp: `192.0.2.${this.int(1, 254)}`,
      targetType: type,
      targetId: `${type.slice(0, 3)}_${this.int(100000, 999999)}`,
      targetName: name,
      before: action.endsWith(".created") ? null : { name, enabled: true, timeoutMs: 30000, token: "[omitted]" },
      after: action.endsWith(".revoked") ? null : { name, enabled: this.random() < 0.8, timeoutMs: this.pick([10000, 30000, 60000]), token: "[omitted]" },
    };
  }

  private signIn(at: Date): AuditRecord {
    const person = this.pick(PEOPLE);
    const failed = this.random() < 0.1;
    return {
      ...this.base(at),
      action: failed ? "auth.sign_in_failed" : "auth.signed_in",
      outcome: failed ? "denied" : "ok",
      actorKind: "user",
      actorId: failed ? null : person.id,
      actorName: person.email,
      sourceIp: `198.51.100.${this.int(1, 254)}`,
      reason: failed ? "wrong password" : null,
    };
  }
}
