import { Badge } from "@/components/badge";
import { formatTimestamp } from "@/components/dates";
import { EmptyState } from "@/components/empty-state";
import { Table, TableHead, Td } from "@/components/table";
import type { WebhookDeliveryView } from "@/lib/webhooks/deliveries";

function status(d: WebhookDeliveryView) {
  if (d.status === "delivered") return <Badge tone="success">Delivered</Badge>;
  if (d.status === "failed") return <Badge tone="danger">Failed</Badge>;
  return (
    <span className="flex flex-col items-start gap-1">
      <Badge tone={d.attempts > 0 ? "warning" : "neutral"}>{d.attempts > 0 ? "Retrying" : "Pending"}</Badge>
      {d.attempts > 0 && d.nextAttemptAt ? <span className="text-xs text-zinc-500 dark:text-zinc-400">next try <time dateTime={d.nextAttemptAt.toISOString()}>{formatTimestamp(d.nextAttemptAt)}</time></span> : null}
    </span>
  );
}

/** The tenant's most recent webhook deliveries and how each went. */
export function WebhookDeliveries({ deliveries }: { deliveries: WebhookDeliveryView[] }) {
  if (deliveries.length === 0) {
    return (
      <EmptyState title="No deliveries yet" className="py-10">
        Approval requests and decisions sent to the webhook show here, with how each delivery went.
      </EmptyState>
    );
  }
  return (
    <Table caption="Recent webhook deliveries" minWidth="56rem">
      <TableHead columns={["Event", "Queued", "Status", "Attempts", "Response", "Last error"]} />
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-delivery-id={d.id}>
            <Td>
              <span className="font-mono text-xs text-zinc-900 dark:text-zinc-100">{d.event}</span>
              <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{d.id}</span>
            </Td>
            <Td className="whitespace-nowrap">
              <time dateTime={d.createdAt.toISOString()}>{formatTimestamp(d.createdAt)}</time>
            </Td>
            <Td>{status(d)}</Td>
            <Td className="tabular-nums">{d.attempts}</Td>
            <Td className="font-mono text-xs whitespace-nowrap">{d.lastStatusCode === null ? "—" : `HTTP ${d.lastStatusCode}`}</Td>
            <Td className="max-w-xs text-xs">
              {d.lastError ? (
                <span className="line-clamp-2 break-words" title={d.lastError}>
                  {d.lastError}
                </span>
              ) : (
                "—"
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
