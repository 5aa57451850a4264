"use server";

import { revalidatePath } from "next/cache";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { createAdminToken, revokeAdminToken } from "@/lib/admin-tokens/tokens";
import type { CreateAdminTokenInput } from "@/lib/admin-tokens/schemas";
import { updateAuditSettings, type UpdateAuditSettingsInput } from "@/lib/audit/settings";
import { requireTenant } from "@/lib/auth/session";
import { AppError, isAppError, type FieldErrors } from "@/lib/errors";
import { updateTenant } from "@/lib/tenancy/tenants";
import { deleteWebhook, rotateWebhookSecret, saveWebhook, sendTestWebhook } from "@/lib/webhooks/settings";

export async function renameTenantAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const input = { name: formText(form, "name") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await updateTenant(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}`, "layout"); // the name shows in the switcher and on every page
    return {};
  }, input);
}

export async function setApprovalWaitAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const text = formText(form, "approvalWaitSeconds");
  const input = { approvalWaitSeconds: /^\d+$/.test(text) ? Number(text) : text };
  return runAction(
    async () => {
      const ctx = await requireTenant(slug);
      await updateTenant(ctx, input as { approvalWaitSeconds: number });
      revalidatePath(`/${ctx.tenant.slug}/settings`);
      return {};
    },
    { approvalWaitSeconds: text },
  );
}

export type CreatedToken = { name: string; role: string; secret: string };

export async function createTokenAction(slug: string, _prev: ActionState<{ token: CreatedToken }>, form: FormData): Promise<ActionState<{ token: CreatedToken }>> {
  const never = formText(form, "neverExpires") === "on";
  const days = formText(form, "expiresInDays");
  const values = { name: formText(form, "name"), role: formText(form, "role"), expiresInDays: days, neverExpires: never ? "on" : "" };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const input = { name: values.name, role: values.role, expiresInDays: never ? null : days.trim() } as unknown as CreateAdminTokenInput; // the lib validates
    const { token, secret } = await createAdminToken(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return { token: { name: token.name, role: token.role, secret } };
  }, values);
}

export async function revokeTokenAction(slug: string, tokenId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await revokeAdminToken(ctx, tokenId);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return {};
  });
}

// The webhook. Its secret reaches the browser only in the answer to the save
// that created it or to a rotation, to be shown once.

export type SavedWebhookState = ActionState<{ created: boolean; secret?: string }>;

export async function saveWebhookAction(slug: string, _prev: SavedWebhookState, form: FormData): Promise<SavedWebhookState> {
  const values = { url: formText(form, "url"), enabled: formText(form, "enabled") === "on" ? "on" : "" };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const { created, secret } = await saveWebhook(ctx, { url: values.url, enabled: values.enabled === "on" });
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return secret ? { created, secret } : { created };
  }, values);
}

export async function rotateWebhookSecretAction(slug: string, _prev: ActionState<{ secret: string }>, _form: FormData): Promise<ActionState<{ secret: string }>> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const { secret } = await rotateWebhookSecret(ctx);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return { secret };
  });
}

export async function sendTestWebhookAction(slug: string, _prev: ActionState<{ deliveryId: string }>, _form: FormData): Promise<ActionState<{ deliveryId: string }>> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const { delivery } = await sendTestWebhook(ctx);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return { deliveryId: delivery.id };
  });
}

export async function deleteWebhookAction(slug: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await deleteWebhook(ctx);
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return {};
  });
}

// The audit log's recording settings. The form sends field rules one per
// line ("path" or "path reason"); errors about a rule or a detector are
// shown beside the field they were typed in.

export async function saveAuditSettingsAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = {
    failOpen: formText(form, "failOpen") === "on" ? "on" : "",
    fullPayloads: formText(form, "fullPayloads") === "on" ? "on" : "",
    resultMaxBytes: formText(form, "resultMaxBytes").trim(),
    retentionDays: formText(form, "retentionDays").trim(),
    detectors: form.getAll("detectors").filter((d): d is string => typeof d === "string").join(","),
    fieldRules: formText(form, "fieldRules"),
  };
  const whole = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);
  const input = {
    failOpen: values.failOpen === "on",
    fullPayloads: values.fullPayloads === "on",
    resultMaxBytes: whole(values.resultMaxBytes),
    retentionDays: values.retentionDays === "" ? null : whole(values.retentionDays),
    redaction: {
      detectors: values.detectors ? values.detectors.split(",") : [],
      fieldRules: values.fieldRules
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const [path, ...reason] = line.split(/\s+/);
          return reason.length ? { path: path!, reason: reason.join(" ") } : { path: path! };
        }),
    },
  } as unknown as UpdateAuditSettingsInput; // the lib validates
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    try {
      await updateAuditSettings(ctx, input);
    } catch (e) {
      throw isAppError(e) && e.fields ? new AppError(e.code, e.message, { fields: formFieldsOf(e.fields) }) : e;
    }
    revalidatePath(`/${ctx.tenant.slug}/settings`);
    return {};
  }, values);
}

/** `redaction.fieldRules.2.path` → `fieldRules`, `redaction.detectors.0` → `detectors`: the form's own fields. */
function formFieldsOf(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(fields)) {
    const field = key.startsWith("redaction.fieldRules") ? "fieldRules" : key.startsWith("redaction.detectors") ? "detectors" : key;
    (out[field] ??= []).push(...messages);
  }
  return out;
}
