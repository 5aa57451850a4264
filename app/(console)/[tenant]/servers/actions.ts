"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { requireTenant } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { testServer, type ServerProbe } from "@/lib/registry/catalog";
import type { CreateServerInput, UpdateServerInput, UpstreamAuth } from "@/lib/registry/schemas";
import { createServer, deleteServer, getServer, updateServer, type ServerView } from "@/lib/registry/servers";

/** "a, b c" → ["a", "b", "c"]: tags may be separated by commas, spaces or lines. */
function tagsFrom(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

type HeaderRow = { name: string; value: string };

function headerRowsFrom(form: FormData): HeaderRow[] {
  const names = form.getAll("headerName").map(String);
  const values = form.getAll("headerValue").map(String);
  return names.map((name, i) => ({ name: name.trim(), value: values[i] ?? "" })).filter((r) => r.name !== "" || r.value !== "");
}

/**
 * The credentials a submitted form asks for, or undefined to keep the stored
 * ones: on edit, an empty token (or no header rows) under the kind already
 * stored keeps them. Secrets are never sent back to the form.
 */
function authFrom(form: FormData, current?: ServerView["auth"]): UpstreamAuth | undefined {
  const kind = formText(form, "authKind") || "none";
  if (kind === "bearer") {
    const token = formText(form, "authToken");
    if (token.trim() === "" && current?.kind === "bearer") return undefined;
    return { kind: "bearer", token };
  }
  if (kind === "headers") {
    const rows = headerRowsFrom(form);
    if (rows.length === 0 && current?.kind === "headers") return undefined;
    const seen = new Set<string>();
    for (const row of rows) {
      const lower = row.name.toLowerCase();
      if (seen.has(lower)) throw new AppError("validation_failed", `The header "${row.name}" is given twice.`, { fields: { "auth.headers": [`"${row.name}" is given twice; give each header once.`] } });
      seen.add(lower);
    }
    return { kind: "headers", headers: Object.fromEntries(rows.map((r) => [r.name, r.value])) };
  }
  if (kind === "none") return current?.kind === "none" ? undefined : { kind: "none" };
  // An unknown kind goes to the lib as is, which names the allowed ones.
  return { kind } as unknown as UpstreamAuth;
}

/** What a failed submit hands back to refill the form: never a token or a header value. */
function refill(form: FormData): Record<string, string> {
  const keys = ["name", "description", "tags", "transport", "url", "namespace", "authKind", "timeoutMs"];
  const values: Record<string, string> = Object.fromEntries(keys.map((k) => [k, formText(form, k)]));
  values.enabled = formText(form, "enabled") === "on" ? "on" : "";
  return values;
}

export async function createServerAction(slug: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = refill(form);
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const input: CreateServerInput = {
      name: values.name!,
      description: values.description,
      tags: tagsFrom(values.tags!),
      transport: values.transport as CreateServerInput["transport"],
      url: values.url!,
      namespace: values.namespace!.trim() === "" ? undefined : values.namespace,
      auth: authFrom(form) ?? { kind: "none" },
      timeoutMs: values.timeoutMs!.trim() === "" ? undefined : values.timeoutMs,
      enabled: values.enabled === "on",
    };
    const server = await createServer(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}/servers`);
    redirect(`/${ctx.tenant.slug}/servers/${server.name}?registered=1`);
  }, values);
}

export async function updateServerAction(slug: string, name: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  const values = refill(form);
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const current = await getServer(ctx, name);
    const input: UpdateServerInput = {
      description: values.description,
      tags: tagsFrom(values.tags!),
      timeoutMs: values.timeoutMs,
    };
    if (current.source === "tenant") {
      input.transport = values.transport as UpdateServerInput["transport"];
      input.url = values.url;
      // An emptied namespace means "the server's name", as on create; unchanged, it is left alone.
      const namespace = values.namespace!.trim() === "" ? current.name : values.namespace!.trim();
      if (namespace !== current.namespace) input.namespace = namespace;
      const auth = authFrom(form, current.auth);
      if (auth) input.auth = auth;
    }
    await updateServer(ctx, name, input);
    revalidatePath(`/${ctx.tenant.slug}/servers`, "layout");
    redirect(`/${ctx.tenant.slug}/servers/${name}?saved=1`);
  }, values);
}

export async function setServerEnabledAction(slug: string, name: string, enabled: boolean, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await updateServer(ctx, name, { enabled });
    revalidatePath(`/${ctx.tenant.slug}/servers`, "layout");
    return {};
  });
}

export async function testServerAction(slug: string, name: string, _prev: ActionState<{ probe: ServerProbe }>, _form: FormData): Promise<ActionState<{ probe: ServerProbe }>> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const probe = await testServer(ctx, name);
    // A successful test stores the catalog the page shows; a failed one stores the error.
    revalidatePath(`/${ctx.tenant.slug}/servers`, "layout");
    return { probe };
  });
}

export async function deleteServerAction(slug: string, name: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await deleteServer(ctx, name);
    revalidatePath(`/${ctx.tenant.slug}/servers`, "layout");
    redirect(`/${ctx.tenant.slug}/servers?deleted=${encodeURIComponent(name)}`);
  });
}
