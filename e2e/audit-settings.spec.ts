import type { Page } from "@playwright/test";
import { expect, expectJson, seedMember, seedTenant, signInInBrowser, test } from "./fixtures";

// How a tenant's audit log records is configured in Settings → Audit log by
// owners and admins: bad input is refused next to its field and changes
// nothing, a change is itself an audit event with before and after, and an
// auditor sees the settings but no control that changes them.

type AuditSettings = {
  failOpen: boolean;
  resultMaxBytes: number;
  fullPayloads: boolean;
  retentionDays: number | null;
  redaction: { detectors: string[]; fieldRules: { path: string; reason?: string }[] };
};
type AuditEvent = { id: string; action: string; actorName: string | null; before: unknown; after: unknown; severity: string | null };


const auditSection = (page: Page) => page.getByRole("region", { name: "Audit log" });

test("an admin sets field rules and retention in Settings; bad input changes nothing; the change is audited; an auditor only reads", async ({ ownerApi, page }) => {
  const tenant = await seedTenant(ownerApi);
  const admin = await seedMember(ownerApi, tenant.slug, "admin");
  const auditor = await seedMember(ownerApi, tenant.slug, "auditor");
  const api = `/api/v1/tenants/${tenant.slug}`;
  const read = async () => (await expectJson<{ settings: AuditSettings }>(await ownerApi.get(`${api}/audit-settings`), 200)).settings;
  const initial = await read();
  expect(initial).toMatchObject({ failOpen: false, retentionDays: null, redaction: { fieldRules: [] } });

  await signInInBrowser(page, admin.email, admin.password);
  await page.goto(`/${tenant.slug}/settings`);
  const section = auditSection(page);
  const save = section.getByRole("button", { name: "Save audit settings" });

  // A rule that is not under args or result, and a retention out of range: refused at their fields, nothing saved.
  await section.getByLabel("Field rules").fill("args.password\npassword");
  await section.getByLabel("Keep events for (days)").fill("0");
  await save.click();
  await expect(section.getByText(/Rule 2/)).toBeVisible();
  expect(await read()).toEqual(initial);

  await section.getByLabel("Field rules").fill("args.password\nargs.customer.ssn social security number");
  await section.getByLabel("Keep events for (days)").fill("90");
  await save.click();
  await expect(section.getByRole("status").filter({ hasText: /saved/i })).toBeVisible();
  const saved = await read();
  expect(saved).toMatchObject({
    retentionDays: 90,
    redaction: { fieldRules: [{ path: "args.password" }, { path: "args.customer.ssn", reason: "social security number" }] },
  });

  // The change is in the audit log: who, before and after; setting a retention period where there was none is an alert.
  const { events } = await expectJson<{ events: AuditEvent[] }>(await ownerApi.get(`${api}/audit-events?action=audit_settings.updated`), 200);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actorName: admin.name, before: { retentionDays: null }, after: { retentionDays: 90 }, severity: "alert" });

  // Its detail page shows the change field by field.
  await page.goto(`/${tenant.slug}/audit/${events[0]!.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("audit_settings.updated");
  await expect(page.getByText("args.customer.ssn").first()).toBeVisible();

  // An auditor reads the settings and finds nothing to change them with.
  await page.context().clearCookies();
  await signInInBrowser(page, auditor.email, auditor.password);
  await page.goto(`/${tenant.slug}/settings`);
  await expect(auditSection(page)).toContainText("args.customer.ssn");
  await expect(auditSection(page).getByRole("button", { name: "Save audit settings" })).toHaveCount(0);
  await expect(auditSection(page).getByRole("textbox")).toHaveCount(0);
});
