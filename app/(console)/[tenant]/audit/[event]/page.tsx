import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Alert } from "@/components/alert";
import { Badge, type BadgeTone } from "@/components/badge";
import { formatTimestamp } from "@/components/dates";
import { JsonBlock } from "@/components/json-block";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { Section } from "@/components/section";
import { linkStyles } from "@/components/styles";
import { Table, TableHead, Td } from "@/components/table";
import { getAuditEvent, type AuditEvent } from "@/lib/audit/queries";
import { can } from "@/lib/rbac/permissions";
import { getTenantContext } from "../../tenant-context";
import { jsonChanges } from "../_components/diff";
import { FullPayloadReveal } from "../_components/full-payload";
import { readFullPayloadAction } from "../actions";

export const metadata: Metadata = { title: "Audit event" };

type Props = { params: Promise<{ tenant: string; event: string }> };

const number = new Intl.NumberFormat("en");
const DECISION_TONES: Record<string, BadgeTone> = { allowed: "success", denied: "danger", approval_required: "warning", none: "neutral" };
const OUTCOME_TONES: Record<string, BadgeTone> = { ok: "success", error: "warning", denied: "danger", pending: "warning" };
const ACTOR_KINDS: Record<string, string> = { user: "a person in the console", token: "an admin API token", operator: "an operator on the command line", agent: "an agent" };

const muted = <span className="text-zinc-400 dark:text-zinc-600">—</span>;

function Fact({ term, children, mono = false }: { term: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{term}</dt>
      <dd className={`mt-1 text-sm break-words text-zinc-800 dark:text-zinc-200 ${mono ? "font-mono text-xs break-all" : ""}`}>{children ?? muted}</dd>
    </div>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{children}</h3>;
}

/** What the event is, in a few words: `tools/call payments · refund`, `server.updated payments`. */
function titleOf(e: AuditEvent): string {
  if (e.action === "mcp.request") return [e.method, [e.server, e.tool].filter(Boolean).join(" · ")].filter(Boolean).join(" ");
  return [e.action, e.targetName ?? e.tool].filter(Boolean).join(" ");
}

function bytes(n: number): string {
  if (n < 1024) return `${number.format(n)} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB (${number.format(n)} bytes)`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB (${number.format(n)} bytes)`;
}

const show = (v: unknown) => (v === undefined ? <span className="text-zinc-500 dark:text-zinc-400">(absent)</span> : <span className="font-mono text-xs break-all">{JSON.stringify(v)}</span>);

export default async function AuditEventPage({ params }: Props) {
  const { tenant: slug, event: eventId } = await params;
  const ctx = await getTenantContext(slug);
  const base = `/${ctx.tenant.slug}`;
  const auditPath = `${base}/audit`;

  if (!can(ctx.role, "audit.read")) {
    return (
      <>
        <PageHeader title="Audit event" />
        <Alert tone="info">Your role ({ctx.role}) does not allow reading the audit log. Owners, admins, reviewers and auditors can.</Alert>
      </>
    );
  }

  const { event: e, chain, approvalEvents } = await orNotFound(getAuditEvent(ctx, decodeURIComponent(eventId)));
  const isRequest = e.action === "mcp.request";
  const client = e.clientName ? `${e.clientName} ${e.clientVersion ?? ""}`.trim() : null;
  const changes = e.before != null || e.after != null ? jsonChanges(e.before, e.after) : [];
  const mayReadPayload = can(ctx.role, "audit.read_payloads");

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={auditPath} className={linkStyles}>
          ← Audit
        </Link>
      </p>
      <PageHeader
        title={<span className="font-mono break-all">{titleOf(e)}</span>}
        description={
          <>
            <time dateTime={e.occurredAt.toISOString()}>{formatTimestamp(e.occurredAt)} UTC</time>
            {chain.seq != null ? <> · event {number.format(chain.seq)}{chain.headSeq != null ? ` of ${number.format(chain.headSeq)}` : ""} in this tenant&apos;s chain</> : null} ·{" "}
            <span className="font-mono">{e.id}</span>
          </>
        }
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {e.severity === "alert" ? <Badge tone="danger">alert</Badge> : null}
            <Badge tone={DECISION_TONES[e.decision] ?? "neutral"}>
              <span className="sr-only">Decision: </span>
              {e.decision === "approval_required" ? "needs approval" : e.decision}
            </Badge>
            <Badge tone={OUTCOME_TONES[e.outcome] ?? "neutral"}>
              <span className="sr-only">Outcome: </span>
              {e.outcome}
            </Badge>
          </div>
        }
      />

      <div className="space-y-8">
        <Section id="who" title="Who, what, when">
          <dl className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
            <Fact term="Action" mono>
              {e.action}
            </Fact>
            <Fact term="When (UTC)" mono>
              {e.occurredAt.toISOString()}
            </Fact>
            {e.agentName || e.agentId ? (
              <Fact term="Agent">
                {e.agentId ? (
                  <Link href={`${base}/agents/${e.agentId}`} className={linkStyles}>
                    {e.agentName ?? e.agentId}
                  </Link>
                ) : (
                  e.agentName
                )}
              </Fact>
            ) : null}
            {e.actorName || e.actorId ? (
              <Fact term="Acted by">
                <Link href={`${auditPath}?member=${encodeURIComponent(e.actorId ?? e.actorName ?? "")}`} className={linkStyles} title="Everything this member did">
                  {e.actorName ?? e.actorId}
                </Link>
                {e.actorKind ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">{ACTOR_KINDS[e.actorKind] ?? e.actorKind}</span> : null}
              </Fact>
            ) : null}
            {isRequest ? (
              <>
                <Fact term="Method" mono>
                  {e.method}
                </Fact>
                <Fact term="Server · tool" mono>
                  {e.server || e.tool ? [e.server, e.tool].filter(Boolean).join(" · ") : null}
                </Fact>
                <Fact term="Client">{client}</Fact>
                <Fact term="Key" mono>
                  {e.keyPrefix ? `${e.keyPrefix}…` : null}
                </Fact>
                <Fact term="Session" mono>
                  {e.sessionId}
                </Fact>
                <Fact term="JSON-RPC id" mono>
                  {e.jsonrpcId}
                </Fact>
              </>
            ) : null}
            {e.targetType ? (
              <Fact term="Target">
                {e.targetType} <span className="font-mono text-xs">{e.targetName ?? ""}</span>
                {e.targetId ? <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{e.targetId}</span> : null}
              </Fact>
            ) : null}
            <Fact term="Source address" mono>
              {e.sourceIp}
            </Fact>
          </dl>
        </Section>

        <Section id="decision" title="Decision" description={isRequest ? "What policy decided, why, and how the request went." : undefined}>
          <dl className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
            <Fact term="Decision">{e.decision === "approval_required" ? "needs approval" : e.decision}</Fact>
            <Fact term="Outcome">{e.outcome}</Fact>
            <Fact term="Rule" mono>
              {e.rule}
            </Fact>
            <Fact term="Latency">
              {isRequest ? (
                <>
                  {number.format(e.totalMs)} ms in total
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">{e.upstreamMs == null ? "no upstream call" : `${number.format(e.upstreamMs)} ms upstream`}</span>
                </>
              ) : null}
            </Fact>
            {e.reason ? (
              <div className="sm:col-span-2 lg:col-span-4">
                <Fact term="Why">{e.reason}</Fact>
              </div>
            ) : null}
            {e.error && e.error !== e.reason ? (
              <div className="sm:col-span-2 lg:col-span-4">
                <Fact term="Error">
                  <span className="text-red-700 dark:text-red-400">{e.error}</span>
                </Fact>
              </div>
            ) : null}
            {e.comment ? (
              <div className="sm:col-span-2 lg:col-span-4">
                <Fact term="Comment">{e.comment}</Fact>
              </div>
            ) : null}
          </dl>
        </Section>

        {e.approvalId ? (
          <Section
            id="approval"
            title="Approval"
            description={
              <>
                Request{" "}
                <Link href={`${base}/approvals/${e.approvalId}`} className={`${linkStyles} font-mono`}>
                  {e.approvalId}
                </Link>
                : the held call and every change of the request, oldest first.
              </>
            }
            actions={
              <Link href={`${auditPath}?approval=${encodeURIComponent(e.approvalId)}`} className={`${linkStyles} text-sm`}>
                Filter the log by this approval
              </Link>
            }
            flush
          >
            <Table caption="Events of this approval request, oldest first" minWidth="36rem">
              <TableHead columns={["Time (UTC)", "Event", "By", "Decision · outcome"]} />
              <tbody>
                {approvalEvents.map((a) => (
                  <tr key={a.id} aria-current={a.id === e.id ? "true" : undefined} className={a.id === e.id ? "bg-indigo-50/60 dark:bg-indigo-950/30" : undefined}>
                    <Td className="font-mono text-xs whitespace-nowrap">
                      {a.id === e.id ? (
                        <time dateTime={a.occurredAt.toISOString()}>{formatTimestamp(a.occurredAt)} (this event)</time>
                      ) : (
                        <Link href={`${auditPath}/${a.id}`} className={linkStyles}>
                          <time dateTime={a.occurredAt.toISOString()}>{formatTimestamp(a.occurredAt)}</time>
                        </Link>
                      )}
                    </Td>
                    <Td className="font-mono text-xs">{a.action === "mcp.request" ? `${a.method ?? ""} ${a.tool ?? ""}`.trim() : a.action}</Td>
                    <Td>{a.actorName ?? a.agentName ?? muted}</Td>
                    <Td className="text-xs">
                      {a.decision} · {a.outcome}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Section>
        ) : null}

        {isRequest ? (
          <Section id="payload" title="Arguments and result" description="As stored: redacted where the redactor found secrets or personal data, and the result cut to the tenant's limit.">
            <div className="space-y-6">
              <div className="grid gap-6 lg:grid-cols-2">
                <div className="min-w-0">
                  <Heading>Arguments</Heading>
                  {e.arguments == null ? <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">None</p> : <JsonBlock value={e.arguments} className="mt-1" label={`Arguments of event ${e.id}`} />}
                </div>
                <div className="min-w-0">
                  <Heading>Result</Heading>
                  {e.result == null ? (
                    <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{e.outcome === "ok" ? "Not stored (recorded before results were kept)." : "None: the call did not return one."}</p>
                  ) : (
                    <JsonBlock value={e.result} className="mt-1" label={`Result of event ${e.id}`} />
                  )}
                  {e.resultBytes != null ? (
                    <dl className="mt-3 grid gap-3 sm:grid-cols-2">
                      <Fact term="Full size">{bytes(e.resultBytes)}</Fact>
                      <Fact term="sha256 of the full result" mono>
                        {e.resultHash}
                      </Fact>
                    </dl>
                  ) : null}
                  {e.resultTruncated ? (
                    <Alert tone="info" className="mt-3">
                      The stored result is cut short: the agent got {e.resultBytes != null ? bytes(e.resultBytes) : "more"}. The hash above is of the whole result, so a copy kept elsewhere can be matched to it.
                    </Alert>
                  ) : null}
                </div>
              </div>
              <div>
                <Heading>Redactions</Heading>
                {e.redactions?.length ? (
                  <div className="mt-2">
                    <Table caption="What was redacted, where and why" minWidth="24rem">
                      <TableHead columns={["Where", "Why"]} />
                      <tbody>
                        {e.redactions.map((r, i) => (
                          <tr key={`${r.path}-${i}`}>
                            <Td className="font-mono text-xs">{r.path}</Td>
                            <Td className="font-mono text-xs">{r.reason}</Td>
                          </tr>
                        ))}
                      </tbody>
                    </Table>
                  </div>
                ) : (
                  <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">Nothing was redacted.</p>
                )}
              </div>
            </div>
          </Section>
        ) : null}

        {e.hasFullPayload ? (
          <Section id="full-payload" title="Full payload" description="This tenant keeps the unredacted arguments and result of its agent requests, sealed.">
            {mayReadPayload ? (
              <FullPayloadReveal action={readFullPayloadAction.bind(null, ctx.tenant.slug, e.id)} />
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">Only owners and auditors may open it.</p>
            )}
          </Section>
        ) : null}

        {e.before != null || e.after != null ? (
          <Section id="change" title="Change" description="The target before and after, secrets omitted.">
            <div className="space-y-6">
              {changes.length && e.before != null && e.after != null ? (
                <Table caption="What changed, by field" minWidth="32rem">
                  <TableHead columns={["Field", "Before", "After"]} />
                  <tbody>
                    {changes.map((c) => (
                      <tr key={c.path}>
                        <Td className="font-mono text-xs">{c.path}</Td>
                        <Td className="bg-red-50/60 dark:bg-red-950/20">
                          <span className="sr-only">Before: </span>
                          {show(c.before)}
                        </Td>
                        <Td className="bg-emerald-50/60 dark:bg-emerald-950/20">
                          <span className="sr-only">After: </span>
                          {show(c.after)}
                        </Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              ) : e.before != null && e.after != null ? (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">Before and after are the same.</p>
              ) : null}
              <div className="grid gap-6 lg:grid-cols-2">
                <div className="min-w-0">
                  <Heading>Before</Heading>
                  {e.before == null ? <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">Nothing: it was created.</p> : <JsonBlock value={e.before} className="mt-1" label="Before the change" />}
                </div>
                <div className="min-w-0">
                  <Heading>After</Heading>
                  {e.after == null ? <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">Nothing: it was deleted.</p> : <JsonBlock value={e.after} className="mt-1" label="After the change" />}
                </div>
              </div>
            </div>
          </Section>
        ) : null}

        <Section
          id="chain"
          title="Place in the chain"
          description="Each event stores the hash of its content and of the event before it, so a change, removal or insertion anywhere breaks the chain from there on."
          actions={
            <Link href={`${auditPath}#integrity`} className={`${linkStyles} text-sm`}>
              Verify the chain
            </Link>
          }
        >
          {chain.seq == null ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">This event was recorded before the chain existed and has no place in it.</p>
          ) : (
            <dl className="grid gap-5 sm:grid-cols-2">
              <Fact term="Position">
                Event {number.format(chain.seq)}
                {chain.headSeq != null ? ` of ${number.format(chain.headSeq)}` : ""}
              </Fact>
              <Fact term="Neighbours">
                {chain.previousId ? (
                  <Link href={`${auditPath}/${chain.previousId}`} className={linkStyles}>
                    ← event {number.format(chain.seq - 1)}
                  </Link>
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">{chain.seq === 1 ? "the first event" : "the one before was removed by retention"}</span>
                )}
                {" · "}
                {chain.nextId ? (
                  <Link href={`${auditPath}/${chain.nextId}`} className={linkStyles}>
                    event {number.format(chain.seq + 1)} →
                  </Link>
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">the latest event</span>
                )}
              </Fact>
              <Fact term="Chain hash" mono>
                {chain.hash}
              </Fact>
              <Fact term="Previous hash" mono>
                {chain.prevHash}
              </Fact>
              <Fact term="Content hash" mono>
                {chain.contentHash}
              </Fact>
            </dl>
          )}
        </Section>
      </div>
    </>
  );
}
