import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/alert";
import { EmptyState } from "@/components/empty-state";
import { AuditIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { buttonStyles } from "@/components/styles";
import { Table, TableHead } from "@/components/table";
import { listAgents } from "@/lib/agents/agents";
import { listAuditEvents, type AuditPage, type AuditQueryInput } from "@/lib/audit/queries";
import { auditStats, type AuditStats } from "@/lib/audit/stats";
import { isAppError } from "@/lib/errors";
import { can } from "@/lib/rbac/permissions";
import { listServers } from "@/lib/registry/servers";
import { getTenantContext } from "../tenant-context";
import { AuditCharts } from "./_components/audit-charts";
import { ExportMenu } from "./_components/export-menu";
import { AuditFilters } from "./_components/audit-filters";
import { AUDIT_FILTERS, type AuditFilterValues } from "./_components/filter-names";
import { AuditRows } from "./_components/audit-rows";
import { VerifyChain } from "./_components/verify-chain";
import { verifyChainAction } from "./actions";

export const metadata: Metadata = { title: "Audit" };

const METHODS = [
  "tools/call",
  "tools/list",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "initialize",
  "logging/setLevel",
  "ping",
];

const FILTERS = AUDIT_FILTERS;
const PAGE_SIZE = 50;

type Search = Partial<Record<(typeof FILTERS)[number] | "cursor", string | string[]>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? "";

/**
 * A datetime-local value ("2026-11-21T09:00") read as UTC, like every time on
 * this page; `to` includes its whole minute. Anything else goes to the lib as
 * typed, which says what it expects.
 */
function utc(value: string, end: boolean): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}${end ? ":59.999" : ":00"}Z` : value;
}

export default async function AuditLogPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  const search = await searchParams;
  const ctx = await getTenantContext(slug);
  const base = `/${ctx.tenant.slug}`;
  const path = `${base}/audit`;

  if (!can(ctx.role, "audit.read")) {
    return (
      <>
        <PageHeader title="Audit" description="Every request agents make through the gateway." />
        <Alert tone="info">Your role ({ctx.role}) does not allow reading the audit log. Owners, admins, reviewers and auditors can.</Alert>
      </>
    );
  }

  const values = Object.fromEntries(FILTERS.map((f) => [f, first(search[f])])) as AuditFilterValues;
  const cursor = first(search.cursor);
  const filtered = FILTERS.some((f) => values[f] !== "");

  const [agents, servers] = await Promise.all([listAgents(ctx), listServers(ctx)]);
  let page: AuditPage | undefined;
  let stats: AuditStats | undefined;
  let failure: { message: string; fields?: Record<string, string[]> } | undefined;
  const filters = {
    ...values,
    // Unknown values reach the lib, which names the allowed ones.
    outcome: (values.outcome || undefined) as AuditQueryInput["outcome"],
    decision: (values.decision || undefined) as AuditQueryInput["decision"],
    kind: (values.kind || undefined) as AuditQueryInput["kind"],
    severity: (values.severity || undefined) as AuditQueryInput["severity"],
    from: utc(values.from, false),
    to: utc(values.to, true),
  };
  try {
    [page, stats] = await Promise.all([
      listAuditEvents(ctx, { ...filters, cursor: cursor || undefined, limit: PAGE_SIZE }),
      // Charts are an extra: a range they cannot draw (over three years) leaves them out, not the events.
      auditStats(ctx, filters).catch((e: unknown) => {
        if (isAppError(e) && e.code === "validation_failed") return undefined;
        throw e;
      }),
    ]);
  } catch (e) {
    if (!isAppError(e)) throw e;
    failure = { message: e.message, fields: e.fields };
  }

  const query = (extra: Record<string, string>) => {
    const p = new URLSearchParams();
    for (const f of FILTERS) if (values[f]) p.set(f, values[f]);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    const s = p.toString();
    return s ? `${path}?${s}` : path;
  };

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every request agents make through the gateway, every change of an approval, every administrative change and sign-in, newest first: who did what, what policy decided, and how it went. Times are UTC."
        actions={can(ctx.role, "audit.export") ? <ExportMenu tenant={ctx.tenant.slug} query={query({}).slice(path.length)} /> : undefined}
      />
      <div className="space-y-8">
        <Section id="filters" title="Search and filters">
          <AuditFilters path={path} values={values} agents={agents.map((a) => a.name)} servers={servers.map((s) => s.name)} methods={METHODS} errors={failure?.fields} />
        </Section>

        {stats ? (
          <Section
            id="activity"
            title="Activity"
            description={`Agent requests ${values.from || values.to ? "in the chosen range" : "in the last 24 hours"}${filtered ? " matching the filters" : ""}, per ${stats.bucket.label}.`}
          >
            <AuditCharts stats={stats} />
          </Section>
        ) : null}

        <Section
          id="events"
          title="Events"
          description={
            page && page.events.length > 0
              ? `${page.events.length}${page.nextCursor ? "+" : ""} ${page.events.length === 1 ? "event" : "events"}${cursor ? " on this page" : ""}${filtered ? " matching the filters" : ""}`
              : undefined
          }
          flush
        >
          {failure ? (
            <div className="px-5 py-5">
              <Alert tone="error">{failure.message}</Alert>
            </div>
          ) : page && page.events.length === 0 ? (
            <EmptyState icon={<AuditIcon />} title={filtered || cursor ? "No events match" : "Nothing recorded yet"}>
              {filtered || cursor ? "Widen the filters or clear them." : "Requests to this tenant's MCP endpoint, and changes to its configuration, appear here as they happen."}
            </EmptyState>
          ) : page ? (
            <>
              <Table caption="Audit events, newest first" minWidth="54rem">
                <TableHead columns={["Time", "Agent · client", "Method", "Server · tool", "Decision · outcome", "Latency"]} actions />
                <AuditRows events={page.events} agentsBase={`${base}/agents`} approvalsBase={`${base}/approvals`} eventsBase={path} />
              </Table>
              <nav aria-label="Audit pages" className="flex items-center justify-between gap-3 px-5 py-3">
                {cursor ? (
                  <Link href={query({})} className={buttonStyles.small}>
                    ← Newest
                  </Link>
                ) : (
                  <span />
                )}
                {page.nextCursor ? (
                  <Link href={query({ cursor: page.nextCursor })} className={buttonStyles.small}>
                    Older →
                  </Link>
                ) : (
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">End of the log</span>
                )}
              </nav>
            </>
          ) : null}
        </Section>

        <Section id="integrity" title="Integrity">
          {/* Event detail pages link here ("verify the chain"). */}
          <VerifyChain action={verifyChainAction.bind(null, ctx.tenant.slug)} />
        </Section>
      </div>
    </>
  );
}
