import { and, asc, eq, lte, notInArray, sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { subscribe } from "@/lib/events/bus";
import { createGuardedFetch } from "@/lib/upstream/url-guard";
import { abandonPending } from "./deliveries";
import { unsealWebhookSecret } from "./secret";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from "./sign";
import { webhookAddressMessage } from "./url";

export type DeliveryOptions = {
  /**
   * The wait before each retry: a delivery is tried once, then once after each
   * delay, then marked failed. Default 10 s, 30 s, 2 min, 10 min, 1 h, 6 h, 6 h
   * (8 attempts over about 13 hours).
   */
  retryDelaysMs?: readonly number[];
  /** How long one attempt may take, from connecting to the answer's status (default 10 s). */
  timeoutMs?: number;
  /** Only these tenants' deliveries (tests sharing one database with others); default every tenant's. */
  tenantIds?: readonly string[];
};

/** What one pass did: deliveries sent, deliveries to be retried later, deliveries given up on. */
export type DeliveryPassResult = { delivered: number; retrying: number; failed: number };

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [10_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 21_600_000];
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Receivers answer with a status; anything past this is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of a refusing receiver's answer is kept, to show why. */
const MAX_ERROR_SNIPPET = 200;
/** Beyond the attempt's own timeout, how long a claimed delivery stays invisible to other processes. */
const LEASE_MARGIN_MS = 60_000;
/** Tenants served at once in a pass; each tenant's deliveries go one at a time, oldest first. */
const TENANT_CONCURRENCY = 8;
/** Per tenant per pass, so a tenant with a backlog cannot hold a pass forever; the rest follow in the next. */
const MAX_PER_TENANT_PER_PASS = 100;
/** The safety sweep, for whatever a missed event or a failed timer left behind. */
const SWEEP_MS = 60_000;

const guardedFetch = createGuardedFetch({ policy: env.upstreamPolicy, maxResponseBytes: MAX_RESPONSE_BYTES });

type Settings = { retryDelaysMs: readonly number[]; timeoutMs: number };

type Claimed = { id: string; event: string; payload: unknown; attempts: number; url: string; secretSealed: string };

type Outcome = { ok: boolean; statusCode: number | null; error: string | null };

type Rows<T> = { rows: T[] };

/** Tenants with deliveries due now; read through a SECURITY DEFINER function that returns ids only. */
async function dueTenants(): Promise<string[]> {
  const { db } = await getDatabase();
  const result = (await db.execute(sql`select t::text as tenant_id from gatehouse_tenants_with_due_deliveries() as t`)) as unknown as Rows<{ tenant_id: string }>;
  return result.rows.map((r) => r.tenant_id);
}

/** When the earliest pending delivery is due (epoch ms), or null when none is pending. */
async function nextDueAt(): Promise<number | null> {
  const { db } = await getDatabase();
  const result = (await db.execute(
    sql`select (extract(epoch from gatehouse_next_delivery_at()) * 1000)::float8 as at`,
  )) as unknown as Rows<{ at: number | string | null }>;
  const at = result.rows[0]?.at;
  return at === null || at === undefined ? null : Number(at);
}

/**
 * Takes the tenant's oldest due delivery for this process: locked with SKIP
 * LOCKED, so concurrent claimers take different rows, and leased (its next
 * attempt pushed past this one's timeout), so no other process sends it while
 * this one does. The attempt is counted at claim, so a process dying mid-send
 * still uses one up. A delivery whose webhook is gone or disabled is failed.
 * `skip` lists those already tried in this pass: one try each per pass.
 */
async function claimNext(tenantId: string, settings: Settings, skip: string[]): Promise<Claimed | "abandoned" | null> {
  return inTenant(tenantId, async (tx) => {
    const [row] = await tx
      .select({ id: webhookDeliveries.id, event: webhookDeliveries.event, payload: webhookDeliveries.payload, attempts: webhookDeliveries.attempts })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.status, "pending"),
          lte(webhookDeliveries.nextAttemptAt, sql`now()`),
          skip.length ? notInArray(webhookDeliveries.id, skip) : undefined,
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.createdAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!row) return null;
    const [hook] = await tx
      .select({ url: webhooks.url, secretSealed: webhooks.secretSealed, enabled: webhooks.enabled })
      .from(webhooks)
      .where(eq(webhooks.tenantId, tenantId));
    if (!hook?.enabled) {
      await abandonPending(tx, tenantId, hook ? "Not sent: the webhook was disabled." : "Not sent: the webhook was removed.");
      return "abandoned";
    }
    const attempts = row.attempts + 1;
    await tx
      .update(webhookDeliveries)
      .set({ attempts, nextAttemptAt: sql`now() + ${settings.timeoutMs + LEASE_MARGIN_MS}::float8 * interval '1 millisecond'` })
      .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, row.id)));
    return { ...row, attempts, url: hook.url, secretSealed: hook.secretSealed };
  });
}

function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
    return `No answer within ${timeoutMs / 1000} s; answer with a 2xx status first and do slow work afterwards.`;
  }
  if (isAppError(e)) {
    if (e.code === "payload_too_large") return `The receiver's answer was larger than ${MAX_RESPONSE_BYTES / 1024} KB; answer webhooks with a short body.`;
    return webhookAddressMessage(e.message);
  }
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  return `Could not reach the receiver: ${detail}.`;
}

/** A short, single-line piece of a refusing receiver's answer. */
async function snippet(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, " ").trim();
    return text.length > MAX_ERROR_SNIPPET ? `${text.slice(0, MAX_ERROR_SNIPPET)}…` : text;
  } catch {
    return "";
  }
}

/** One POST, signed with a fresh timestamp; never throws. */
async function attempt(tenantId: string, claimed: Claimed, timeoutMs: number): Promise<Outcome> {
  let secret: string;
  try {
    secret = unsealWebhookSecret(claimed.secretSealed, tenantId);
  } catch {
    return { ok: false, statusCode: null, error: "The signing secret cannot be opened (the server's encryption key has changed); rotate the webhook's secret." };
  }
  const body = JSON.stringify(claimed.payload);
  try {
    const response = await guardedFetch(claimed.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Gatehouse-Webhooks/1",
        [SIGNATURE_HEADER]: signWebhook(secret, body),
        [EVENT_HEADER]: claimed.event,
        [DELIVERY_HEADER]: claimed.id,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { ok: true, statusCode: response.status, error: null };
    }
    const text = response.status >= 300 && response.status < 400 ? "redirects are not followed" : await snippet(response);
    return { ok: false, statusCode: response.status, error: `The receiver answered HTTP ${response.status}${text ? `: ${text}` : ""}.` };
  } catch (e) {
    return { ok: false, statusCode: null, error: describeFailure(e, timeoutMs) };
  }
}

/**
 * Records how an attempt went, unless the claim has lapsed meanwhile (another
 * process has claimed the delivery again): then that one's outcome counts.
 */
async function record(tenantId: string, claimed: Claimed, outcome: Outcome, settings: Settings): Promise<keyof DeliveryPassResult> {
  const retryIn = settings.retryDelaysMs[claimed.attempts - 1];
  const result: keyof DeliveryPassResult = outcome.ok ? "delivered" : retryIn === undefined ? "failed" : "retrying";
  await inTenant(tenantId, (tx) =>
    tx
      .update(webhookDeliveries)
      .set({
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        ...(result === "delivered" && { status: "delivered" as const, deliveredAt: sql`now()` }),
        ...(result === "failed" && { status: "failed" as const }),
        ...(result === "retrying" && { nextAttemptAt: sql`now() + ${retryIn}::float8 * interval '1 millisecond'` }),
      })
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.id, claimed.id),
          eq(webhookDeliveries.status, "pending"),
          eq(webhookDeliveries.attempts, claimed.attempts),
        ),
      ),
  );
  return result;
}

async function deliverForTenant(tenantId: string, settings: Settings, totals: DeliveryPassResult): Promise<void> {
  const tried: string[] = [];
  while (tried.length < MAX_PER_TENANT_PER_PASS) {
    const claimed = await claimNext(tenantId, settings, tried);
    if (claimed === null) return;
    if (claimed === "abandoned") {
      totals.failed++;
      return;
    }
    tried.push(claimed.id);
    const outcome = await attempt(tenantId, claimed, settings.timeoutMs);
    totals[await record(tenantId, claimed, outcome, settings)]++;
  }
}

/**
 * Sends every delivery due now, once each, and waits for the answers: what the
 * background worker runs on each wake-up, callable directly (tests, scripts).
 * Safe to run in several processes at once. Never throws for a tenant's
 * failure; logs it and goes on with the others.
 */
export async function deliverDueWebhooks(options: DeliveryOptions = {}): Promise<DeliveryPassResult> {
  const settings: Settings = {
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const tenants = (await dueTenants()).filter((id) => !options.tenantIds || options.tenantIds.includes(id));
  const totals: DeliveryPassResult = { delivered: 0, retrying: 0, failed: 0 };
  const next = () => tenants.shift();
  const lane = async () => {
    for (let tenantId = next(); tenantId !== undefined; tenantId = next()) {
      try {
        await deliverForTenant(tenantId, settings, totals);
      } catch (e) {
        console.error(`[webhooks] delivering for tenant ${tenantId} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TENANT_CONCURRENCY, tenants.length) }, lane));
  return totals;
}

// ---------------------------------------------------------------------------
// The background worker: one per process, on globalThis because `next dev`
// evaluates modules more than once. It never polls in a tight loop: it wakes
// on a bus event, on a timer set to the earliest due delivery, and on a slow
// sweep, and runs one pass at a time (a wake-up during a pass runs one more).

type WorkerState = {
  started: boolean;
  options: DeliveryOptions;
  unsubscribe?: () => void;
  sweep?: NodeJS.Timeout;
  timer?: NodeJS.Timeout;
  pass?: Promise<void>;
  again: boolean;
};

const worker = ((globalThis as typeof globalThis & { __gatehouseWebhookDelivery?: WorkerState }).__gatehouseWebhookDelivery ??= {
  started: false,
  options: {},
  again: false,
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function wake(): void {
  if (!worker.started) return;
  if (worker.pass) {
    worker.again = true;
    return;
  }
  worker.pass = runPasses().finally(() => {
    worker.pass = undefined;
  });
}

async function runPasses(): Promise<void> {
  let progress = 0;
  do {
    worker.again = false;
    try {
      const result = await deliverDueWebhooks(worker.options);
      progress += result.delivered + result.retrying + result.failed;
    } catch (e) {
      console.error(`[webhooks] delivery pass failed: ${message(e)}`);
    }
  } while (worker.again && worker.started);
  await scheduleNext(progress > 0);
}

/**
 * Sets the timer to the earliest pending delivery. One still due right after
 * a pass that got nowhere is held by another process or failing to claim:
 * look again later rather than at once.
 */
async function scheduleNext(progressed: boolean): Promise<void> {
  if (!worker.started) return;
  let at: number | null;
  try {
    at = await nextDueAt();
  } catch (e) {
    console.error(`[webhooks] cannot read when the next delivery is due: ${message(e)}`);
    at = Date.now() + 10_000;
  }
  clearTimeout(worker.timer);
  worker.timer = undefined;
  if (at === null || !worker.started) return;
  const soonest = progressed ? 1_000 : SWEEP_MS / 2;
  const delay = Math.min(Math.max(at - Date.now(), soonest), SWEEP_MS);
  worker.timer = setTimeout(wake, delay);
  worker.timer.unref();
}

/**
 * Starts this process's delivery worker; later calls do nothing. It wakes when
 * any process queues a delivery (the bus's `webhook` event), when a retry falls
 * due, and every minute regardless. `options` are for tests.
 */
export function startWebhookDelivery(options: DeliveryOptions = {}): void {
  if (worker.started) return;
  worker.started = true;
  worker.options = options;
  worker.unsubscribe = subscribe((event) => {
    // A reset means events may have been missed while the bus was down.
    if (event.kind === "webhook" || event.kind === "reset") wake();
  });
  worker.sweep = setInterval(wake, SWEEP_MS);
  worker.sweep.unref();
  wake();
}

/** Stops the worker and waits for a pass under way to finish. */
export async function stopWebhookDelivery(): Promise<void> {
  worker.started = false;
  worker.unsubscribe?.();
  worker.unsubscribe = undefined;
  clearInterval(worker.sweep);
  clearTimeout(worker.timer);
  worker.sweep = worker.timer = undefined;
  await worker.pass;
}
