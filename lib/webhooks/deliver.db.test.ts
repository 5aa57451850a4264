import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { inTenant } from "@/lib/db";
import { subscribe, type BusEvent } from "@/lib/events/bus";
import type { TenantContext } from "@/lib/tenancy/context";
import { createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { listWebhookDeliveries } from "./deliveries";
import { deliverDueWebhooks, startWebhookDelivery, stopWebhookDelivery, type DeliveryOptions } from "./deliver";
import { enqueueWebhook, type WebhookEvent } from "./enqueue";
import { rotateWebhookSecret, saveWebhook, sendTestWebhook } from "./settings";
import { verifyWebhookSignature } from "./sign";

// A real HTTP receiver on loopback (allowed by GATEHOUSE_UPSTREAM_ALLOW in
// tests), fresh per test, recording every request it gets.

type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };
type Answer = number | "hang";

type Receiver = { url: string; requests: Received[]; waitFor(count: number, timeoutMs?: number): Promise<void>; close(): Promise<void> };

const receivers: Receiver[] = [];

/** `answer(n)` decides the status of the n-th request (0-based), or to never answer it. */
async function startReceiver(answer: (n: number) => Answer = () => 200, delayMs = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = requests.length;
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = answer(n);
      if (status === "hang") return;
      setTimeout(() => res.writeHead(status, { "content-type": "text/plain" }).end(status >= 300 ? "boom\nit broke" : "ok"), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook?source=gatehouse`,
    requests,
    async waitFor(count, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  receivers.push(receiver);
  return receiver;
}

afterEach(async () => {
  await stopWebhookDelivery();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function tenantWithWebhook(receiver: Receiver): Promise<{ ctx: TenantContext; secret: string }> {
  const ctx = await createTestTenant();
  const { secret } = await saveWebhook(ctx, { url: receiver.url });
  return { ctx, secret: secret! };
}

const approvalRequested: WebhookEvent = { type: "approval.requested", data: { approvalId: "apr_test", tool: "create_issue", server: "github" } };

const enqueue = (tenantId: string, event: WebhookEvent = approvalRequested) => inTenant(tenantId, (tx) => enqueueWebhook(tx, tenantId, event));

/** One pass over these tenants only: other test files share the database. */
const pass = (ctx: TenantContext | TenantContext[], options: DeliveryOptions = {}) =>
  deliverDueWebhooks({ ...options, tenantIds: [ctx].flat().map((c) => c.tenant.id) });

const rowsOf = (tenantId: string) => superuserQuery("select * from webhook_deliveries where tenant_id = $1", [tenantId]);

function independentlyVerify(secret: string, header: string, body: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return Math.abs(Number(t) - Date.now() / 1000) < 60 && timingSafeEqual(expected, Buffer.from(v1!, "hex"));
}

describe("delivering a queued event", () => {
  it("POSTs the payload as JSON, signed with the tenant's secret, with event and delivery headers", async () => {
    const receiver = await startReceiver();
    const { ctx, secret } = await tenantWithWebhook(receiver);

    await enqueue(ctx.tenant.id);
    expect(await pass(ctx)).toEqual({ delivered: 1, retrying: 0, failed: 0 });

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests as [Received];
    const [delivery] = await listWebhookDeliveries(ctx);
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hook?source=gatehouse");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["gatehouse-event"]).toBe("approval.requested");
    expect(request.headers["gatehouse-delivery"]).toBe(delivery!.id);
    expect(delivery!.id).toMatch(/^whd_/);
    const signature = request.headers["gatehouse-signature"] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, signature, request.body)).toBe(true);
    expect(independentlyVerify(secret, signature, request.body)).toBe(true);
    expect(verifyWebhookSignature(`${secret}x`, signature, request.body)).toBe(false);

    const payload = JSON.parse(request.body);
    expect(payload).toEqual({ id: delivery!.id, type: "approval.requested", tenantId: ctx.tenant.id, createdAt: expect.any(String), data: approvalRequested.data });
    expect(new Date(payload.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(request.headers)).not.toContain(secret);

    expect(delivery).toMatchObject({ event: "approval.requested", status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(delivery!.deliveredAt).toBeInstanceOf(Date);
    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it("delivers a test event, and signs with the new secret after a rotation", async () => {
    const receiver = await startReceiver();
    const { ctx, secret: old } = await tenantWithWebhook(receiver);
    const { secret } = await rotateWebhookSecret(ctx);

    const { delivery } = await sendTestWebhook(ctx);
    expect(await pass(ctx)).toEqual({ delivered: 1, retrying: 0, failed: 0 });

    const [request] = receiver.requests as [Received];
    expect(request.headers["gatehouse-event"]).toBe("webhook.test");
    expect(request.headers["gatehouse-delivery"]).toBe(delivery.id);
    expect(JSON.parse(request.body)).toMatchObject({ type: "webhook.test", tenantId: ctx.tenant.id, data: { tenant: ctx.tenant.slug } });
    expect(verifyWebhookSignature(secret, request.headers["gatehouse-signature"] as string, request.body)).toBe(true);
    expect(verifyWebhookSignature(old, request.headers["gatehouse-signature"] as string, request.body)).toBe(false);
  });
});

describe("retries", () => {
  it("retries a refused delivery later, by the backoff schedule (10 s first), keeping the status and a short error", async () => {
    const receiver = await startReceiver(() => 500);
    const { ctx } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);

    const before = Date.now();
    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [delivery] = await listWebhookDeliveries(ctx);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "The receiver answered HTTP 500: boom it broke." });
    const wait = delivery!.nextAttemptAt!.getTime() - before;
    expect(wait).toBeGreaterThan(8_000);
    expect(wait).toBeLessThan(12_000);

    // Not due yet: nothing is sent.
    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it("delivers on a later attempt when the receiver recovers (500, then 200), recording the attempts", async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 200));
    const { ctx, secret } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);
    const fast = { retryDelaysMs: [0, 0] };

    expect(await pass(ctx, fast)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await pass(ctx, fast)).toEqual({ delivered: 1, retrying: 0, failed: 0 });

    const [delivery] = await listWebhookDeliveries(ctx);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null });
    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests as [Received, Received];
    expect(second.headers["gatehouse-delivery"]).toBe(first.headers["gatehouse-delivery"]);
    expect(second.body).toBe(first.body);
    for (const r of receiver.requests) expect(verifyWebhookSignature(secret, r.headers["gatehouse-signature"] as string, r.body)).toBe(true);
  });

  it("marks a delivery failed after the last retry and sends it no more", async () => {
    const receiver = await startReceiver(() => 503);
    const { ctx } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);
    const fast = { retryDelaysMs: [0, 0] };

    expect(await pass(ctx, fast)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await pass(ctx, fast)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await pass(ctx, fast)).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await pass(ctx, fast)).toEqual({ delivered: 0, retrying: 0, failed: 0 });

    expect(receiver.requests).toHaveLength(3);
    expect((await listWebhookDeliveries(ctx))[0]).toMatchObject({ status: "failed", attempts: 3, lastStatusCode: 503, nextAttemptAt: null });
  });

  it("times out a receiver that never answers, and retries it", async () => {
    const receiver = await startReceiver((n) => (n === 0 ? "hang" : 200));
    const { ctx } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);
    const options = { timeoutMs: 300, retryDelaysMs: [0] };

    const started = Date.now();
    expect(await pass(ctx, options)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await listWebhookDeliveries(ctx))[0]).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: expect.stringMatching(/^No answer within 0.3 s/) });

    expect(await pass(ctx, options)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect((await listWebhookDeliveries(ctx))[0]).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null });
  });

  it("records an unreachable receiver and a redirect as failures to retry, without following the redirect", async () => {
    const receiver = await startReceiver(() => 302);
    const { ctx } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);
    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await listWebhookDeliveries(ctx))[0]).toMatchObject({ lastStatusCode: 302, lastError: "The receiver answered HTTP 302: redirects are not followed." });

    const gone = await startReceiver();
    const other = await tenantWithWebhook(gone);
    await gone.close();
    await enqueue(other.ctx.tenant.id);
    expect(await pass(other.ctx)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await listWebhookDeliveries(other.ctx))[0]).toMatchObject({ lastStatusCode: null, lastError: "Could not reach the receiver: ECONNREFUSED." });
  });
});

describe("what gets queued", () => {
  it("sends a tenant's events to its own webhook only", async () => {
    const receiverA = await startReceiver();
    const receiverB = await startReceiver();
    const a = await tenantWithWebhook(receiverA);
    const b = await tenantWithWebhook(receiverB);

    await enqueue(a.ctx.tenant.id);
    await enqueue(a.ctx.tenant.id, { type: "approval.denied", data: { approvalId: "apr_a" } });
    // From A's transaction, B's webhook is invisible: nothing is queued for B.
    await inTenant(a.ctx.tenant.id, (tx) => enqueueWebhook(tx, b.ctx.tenant.id, approvalRequested));
    expect(await pass([a.ctx, b.ctx])).toEqual({ delivered: 2, retrying: 0, failed: 0 });

    expect(receiverB.requests).toEqual([]);
    expect(receiverA.requests.map((r) => JSON.parse(r.body).tenantId)).toEqual([a.ctx.tenant.id, a.ctx.tenant.id]);
    expect(await rowsOf(b.ctx.tenant.id)).toEqual([]);
    expect(await listWebhookDeliveries(b.ctx)).toEqual([]);
  });

  it("queues nothing for a tenant without a webhook, or with a disabled one", async () => {
    const ctx = await createTestTenant();
    await enqueue(ctx.tenant.id);
    expect(await rowsOf(ctx.tenant.id)).toEqual([]);

    const receiver = await startReceiver();
    await saveWebhook(ctx, { url: receiver.url, enabled: false });
    await enqueue(ctx.tenant.id);
    expect(await rowsOf(ctx.tenant.id)).toEqual([]);
    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.requests).toEqual([]);
  });

  it("queues and announces nothing when the transaction rolls back", async () => {
    const receiver = await startReceiver();
    const { ctx } = await tenantWithWebhook(receiver);
    const heard: BusEvent[] = [];
    const unsubscribe = subscribe((e) => {
      if (e.kind === "webhook" && e.tenantId === ctx.tenant.id) heard.push(e);
    });
    try {
      await expect(
        inTenant(ctx.tenant.id, async (tx) => {
          await enqueueWebhook(tx, ctx.tenant.id, approvalRequested);
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      expect(await rowsOf(ctx.tenant.id)).toEqual([]);
      expect(heard).toEqual([]);

      // A committed one is announced, once, after the commit.
      await enqueue(ctx.tenant.id);
      expect(heard).toEqual([{ kind: "webhook", tenantId: ctx.tenant.id }]);
    } finally {
      unsubscribe();
    }
    expect(await pass(ctx)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it("abandons deliveries whose webhook was disabled before they were sent", async () => {
    const receiver = await startReceiver();
    const { ctx } = await tenantWithWebhook(receiver);
    await enqueue(ctx.tenant.id);
    await saveWebhook(ctx, { url: receiver.url, enabled: false });

    expect(await pass(ctx)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(receiver.requests).toEqual([]);
    expect((await listWebhookDeliveries(ctx))[0]).toMatchObject({ status: "failed", attempts: 0, lastError: "Not sent: the webhook was disabled." });
  });
});

describe("concurrency", () => {
  it("sends each delivery once when two passes run at the same time", async () => {
    const receiver = await startReceiver(() => 200, 30);
    const { ctx } = await tenantWithWebhook(receiver);
    for (let i = 0; i < 6; i++) await enqueue(ctx.tenant.id, { type: "approval.requested", data: { n: i } });

    const results = await Promise.all([pass(ctx), pass(ctx)]);

    expect(results[0]!.delivered + results[1]!.delivered).toBe(6);
    const ids = receiver.requests.map((r) => r.headers["gatehouse-delivery"]);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const rows = await listWebhookDeliveries(ctx);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array(6).fill(["delivered", 1]));
  });

  it("lets a hanging receiver hold up only its own tenant", async () => {
    const slow = await startReceiver(() => "hang");
    const fast = await startReceiver();
    const a = await tenantWithWebhook(slow);
    const b = await tenantWithWebhook(fast);
    await enqueue(a.ctx.tenant.id);
    await enqueue(b.ctx.tenant.id);

    const running = pass([a.ctx, b.ctx], { timeoutMs: 1_500 });
    await fast.waitFor(1, 1_000);
    expect(await running).toEqual({ delivered: 1, retrying: 1, failed: 0 });
  });
});

describe("the background worker", () => {
  it("sends as soon as a delivery is queued, and retries when the retry falls due", async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 200));
    const { ctx } = await tenantWithWebhook(receiver);
    startWebhookDelivery({ tenantIds: [ctx.tenant.id], retryDelaysMs: [200] });
    startWebhookDelivery({ tenantIds: [] }); // a second start changes nothing

    const queued = Date.now();
    await enqueue(ctx.tenant.id);
    await receiver.waitFor(1, 2_000);
    expect(Date.now() - queued).toBeLessThan(1_000);
    await receiver.waitFor(2, 5_000);
    await expect.poll(async () => (await listWebhookDeliveries(ctx))[0]).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("never fails the transaction that queues, whatever the receiver does", async () => {
    const receiver = await startReceiver(() => "hang");
    const { ctx } = await tenantWithWebhook(receiver);
    startWebhookDelivery({ tenantIds: [ctx.tenant.id], timeoutMs: 200, retryDelaysMs: [] });

    const started = Date.now();
    await enqueue(ctx.tenant.id);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect.poll(async () => (await listWebhookDeliveries(ctx))[0]?.status, { timeout: 5_000 }).toBe("failed");
  });
});
