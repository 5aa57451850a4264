import { describe, expect, it } from "vitest";
import { inTenant } from "@/lib/db";
import type { ConsoleRole } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";
import { createTestMember, createTestTenant } from "@/test/factories";
import { superuserQuery } from "@/test/superuser";
import { listWebhookDeliveries } from "./deliveries";
import { enqueueWebhook } from "./enqueue";
import { deleteWebhook, findWebhook, getWebhook, rotateWebhookSecret, saveWebhook, sendTestWebhook } from "./settings";

// Saving never connects to the URL, so public addresses here are only resolved (IP literals: no DNS needed).
const URL_A = "https://1.1.1.1/hooks/gatehouse";
const URL_B = "https://8.8.8.8/other";
const LOOPBACK = "http://127.0.0.1:9/hook"; // allowed in tests by GATEHOUSE_UPSTREAM_ALLOW=127.0.0.1/32

/** Everything Gatehouse holds about a tenant's webhook, read past row-level security. */
async function webhookState(tenantId: string) {
  return {
    webhooks: await superuserQuery("select * from webhooks where tenant_id = $1", [tenantId]),
    deliveries: await superuserQuery("select * from webhook_deliveries where tenant_id = $1 order by id", [tenantId]),
  };
}

async function expectRefusedUnchanged(ctx: TenantContext, action: () => Promise<unknown>, code: Parameters<typeof expectAppError>[1], message?: string | RegExp) {
  const before = await webhookState(ctx.tenant.id);
  const error = await expectAppError(action, code, message);
  expect(await webhookState(ctx.tenant.id)).toEqual(before);
  return error;
}

const enqueue = (tenantId: string) =>
  inTenant(tenantId, (tx) => enqueueWebhook(tx, tenantId, { type: "approval.requested", data: { approvalId: "apr_x" } }));

describe("saveWebhook", () => {
  it("creates the webhook with a secret shown once, sealed at rest, and keeps it on later saves", async () => {
    const ctx = await createTestTenant();

    const created = await saveWebhook(ctx, { url: `  ${URL_A}  ` });
    expect(created.created).toBe(true);
    expect(created.secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    const secret = created.secret!;
    expect(created.webhook).toMatchObject({ url: URL_A, enabled: true, secretHint: `whsec_••••${secret.slice(-4)}` });

    const read = await getWebhook(ctx);
    expect(read).toEqual(created.webhook);
    expect(JSON.stringify(read)).not.toContain(secret.slice(6));
    const [row] = (await webhookState(ctx.tenant.id)).webhooks;
    expect(row!.secret_sealed).toMatch(/^v1\./);
    expect(row!.secret_sealed).not.toContain(secret.slice(6));

    const updated = await saveWebhook(ctx, { url: URL_B, enabled: false });
    expect(updated).toEqual({ created: false, webhook: expect.objectContaining({ url: URL_B, enabled: false, secretHint: created.webhook.secretHint }) });
    expect(updated).not.toHaveProperty("secret");
    expect((await webhookState(ctx.tenant.id)).webhooks[0]!.secret_sealed).toBe(row!.secret_sealed);
  });

  it("accepts plain http:// only to an address the platform operator allows", async () => {
    const ctx = await createTestTenant();
    expect((await saveWebhook(ctx, { url: LOOPBACK })).webhook.url).toBe(LOOPBACK);
    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url: "http://1.1.1.1/hook" }), "validation_failed", /^Use an https:\/\/ URL/);
  });

  it.each([
    ["an empty URL", "", /^Enter the webhook URL\.$/],
    ["not a URL", "hooks.example.com/gatehouse", /^That is not a valid URL; enter an absolute address such as https:\/\/hooks\.example\.com\/gatehouse\.$/],
    ["an ftp URL", "ftp://1.1.1.1/hook", /^Webhooks are sent over https:\/\/, so a ftp: URL cannot be used/],
    ["a javascript: URL", "javascript:alert(1)", /^Webhooks are sent over https:\/\/, so a javascript: URL cannot be used/],
    ["credentials in the URL", "https://user:pw@1.1.1.1/hook", /^Remove the user name and password from the URL/],
    ["a private address", "https://10.0.0.1/hook", /^The URL resolves to 10\.0\.0\.1, a private address; Gatehouse sends webhooks to public addresses only/],
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data", /169\.254\.169\.254, a cloud metadata address/],
    ["a loopback address not allowed", "https://127.0.0.2/hook", /a loopback address/],
    ["IPv6 loopback", "https://[::1]/hook", /a loopback address/],
    ["IPv4-mapped IPv6 private", "https://[::ffff:10.0.0.1]/hook", /a private address/],
  ])("refuses %s with a clear message, and changes nothing", async (_, url, message) => {
    const ctx = await createTestTenant();
    await saveWebhook(ctx, { url: URL_A });
    const error = await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url, enabled: false }), "validation_failed");
    expect(error.fields?.url).toEqual([expect.stringMatching(message)]);
    expect((await getWebhook(ctx)).url).toBe(URL_A);
  });

  it("refuses a malformed body", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url: URL_A, enabled: "yes" as unknown as boolean }), "validation_failed", /enabled is true or false/);
    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url: URL_A, secret: "mine" } as never), "validation_failed");
    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, {} as never), "validation_failed", /Enter the webhook URL/);
  });

  it("abandons pending deliveries when disabled, and queues nothing while disabled", async () => {
    const ctx = await createTestTenant();
    await saveWebhook(ctx, { url: LOOPBACK });
    await enqueue(ctx.tenant.id);
    await saveWebhook(ctx, { url: LOOPBACK, enabled: false });
    await enqueue(ctx.tenant.id);
    const deliveries = await listWebhookDeliveries(ctx);
    expect(deliveries).toEqual([expect.objectContaining({ status: "failed", attempts: 0, lastError: "Not sent: the webhook was disabled." })]);
  });
});

describe("rotateWebhookSecret", () => {
  it("replaces the secret, returned this once", async () => {
    const ctx = await createTestTenant();
    const { secret: first } = await saveWebhook(ctx, { url: URL_A });
    const { secret, webhook } = await rotateWebhookSecret(ctx);
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    expect(secret).not.toBe(first);
    expect(webhook.secretHint).toBe(`whsec_••••${secret.slice(-4)}`);
    expect(await getWebhook(ctx)).toEqual(webhook);
  });

  it("is not found without a webhook", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(ctx, () => rotateWebhookSecret(ctx), "not_found", "The webhook was not found.");
  });
});

describe("deleteWebhook", () => {
  it("removes the webhook, abandons what was not sent yet, and keeps the history", async () => {
    const ctx = await createTestTenant();
    await saveWebhook(ctx, { url: LOOPBACK });
    await enqueue(ctx.tenant.id);
    await deleteWebhook(ctx);
    expect(await findWebhook(ctx)).toBeNull();
    await expectAppError(getWebhook(ctx), "not_found");
    expect(await listWebhookDeliveries(ctx)).toEqual([expect.objectContaining({ status: "failed", lastError: "Not sent: the webhook was removed." })]);
    await expectRefusedUnchanged(ctx, () => deleteWebhook(ctx), "not_found");
  });
});

describe("sendTestWebhook", () => {
  it("queues a webhook.test delivery", async () => {
    const ctx = await createTestTenant();
    await saveWebhook(ctx, { url: LOOPBACK });
    const { delivery } = await sendTestWebhook(ctx);
    expect(delivery).toMatchObject({ event: "webhook.test", status: "pending", attempts: 0 });
    expect(await listWebhookDeliveries(ctx)).toEqual([delivery]);
  });

  it("refuses without an enabled webhook, and queues nothing", async () => {
    const ctx = await createTestTenant();
    await expectRefusedUnchanged(ctx, () => sendTestWebhook(ctx), "not_found");
    await saveWebhook(ctx, { url: LOOPBACK, enabled: false });
    await expectRefusedUnchanged(ctx, () => sendTestWebhook(ctx), "conflict", "The webhook is disabled; enable it to send a test event.");
  });
});

describe("listWebhookDeliveries", () => {
  it("lists the newest first, up to the limit", async () => {
    const ctx = await createTestTenant();
    await saveWebhook(ctx, { url: LOOPBACK });
    for (let i = 0; i < 3; i++) await enqueue(ctx.tenant.id);
    const all = await listWebhookDeliveries(ctx);
    expect(all).toHaveLength(3);
    expect(all.map((d) => d.createdAt.getTime())).toEqual([...all.map((d) => d.createdAt.getTime())].sort((a, b) => b - a));
    expect(await listWebhookDeliveries(ctx, { limit: 2 })).toEqual(all.slice(0, 2));
    await expectAppError(listWebhookDeliveries(ctx, { limit: 0 }), "validation_failed", /^limit: At least 1\.$/);
    await expectAppError(listWebhookDeliveries(ctx, { limit: "many" as unknown as number }), "validation_failed", /^limit: A number of deliveries/);
  });
});

describe("permissions and isolation", () => {
  it.each<ConsoleRole>(["viewer", "reviewer", "auditor"])("a %s sees the webhook (never its secret) and changes nothing", async (role) => {
    const owner = await createTestTenant();
    const { secret } = await saveWebhook(owner, { url: URL_A });
    const { ctx } = await createTestMember(owner, role);

    const seen = await getWebhook(ctx);
    expect(seen.url).toBe(URL_A);
    expect(JSON.stringify(seen)).not.toContain(secret!.slice(6));
    expect(await listWebhookDeliveries(ctx)).toEqual([]);

    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url: URL_B }), "forbidden", /does not allow this/);
    await expectRefusedUnchanged(ctx, () => saveWebhook(ctx, { url: "not a url" }), "forbidden");
    await expectRefusedUnchanged(ctx, () => rotateWebhookSecret(ctx), "forbidden");
    await expectRefusedUnchanged(ctx, () => deleteWebhook(ctx), "forbidden");
    await expectRefusedUnchanged(ctx, () => sendTestWebhook(ctx), "forbidden");
  });

  it("an admin can configure the webhook", async () => {
    const owner = await createTestTenant();
    const { ctx } = await createTestMember(owner, "admin");
    expect((await saveWebhook(ctx, { url: URL_A })).created).toBe(true);
  });

  it("a tenant sees and changes only its own webhook", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    await saveWebhook(a, { url: URL_A });
    await enqueue(a.tenant.id);

    expect(await findWebhook(b)).toBeNull();
    expect(await listWebhookDeliveries(b)).toEqual([]);
    await expectAppError(rotateWebhookSecret(b), "not_found");
    await expectAppError(deleteWebhook(b), "not_found");
    expect((await saveWebhook(b, { url: URL_B })).created).toBe(true);
    expect((await getWebhook(a)).url).toBe(URL_A);
    expect(await listWebhookDeliveries(a)).toHaveLength(1);
  });
});
