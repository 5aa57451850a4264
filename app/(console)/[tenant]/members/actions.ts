"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { formText, runAction, type ActionState } from "@/lib/actions";
import { publicOrigin } from "@/lib/http/public-origin";
import { requireTenant } from "@/lib/auth/session";
import type { ConsoleRole } from "@/lib/rbac/permissions";
import { actorUserId } from "@/lib/tenancy/context";
import { revokeInvitation } from "@/lib/tenancy/invitations";
import { addMember, changeMemberRole, removeMember } from "@/lib/tenancy/members";
import { findMembership } from "@/lib/tenancy/tenants";

export type AddMemberOutcome =
  | { kind: "member"; name: string; email: string; role: ConsoleRole }
  | { kind: "invitation"; email: string; role: ConsoleRole; link: string; expiresAt: string };

export async function addMemberAction(slug: string, _prev: ActionState<{ outcome: AddMemberOutcome }>, form: FormData): Promise<ActionState<{ outcome: AddMemberOutcome }>> {
  const input = { email: formText(form, "email"), role: formText(form, "role") };
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    const result = await addMember(ctx, input);
    revalidatePath(`/${ctx.tenant.slug}/members`);
    if (result.kind === "member") {
      const { name, email, role } = result.member;
      return { outcome: { kind: "member" as const, name, email, role } };
    }
    const { email, role, path, expiresAt } = result.invitation;
    return { outcome: { kind: "invitation" as const, email, role, link: publicOrigin(await headers()) + path, expiresAt: expiresAt.toISOString() } };
  }, input);
}

export async function changeRoleAction(slug: string, membershipId: string, _prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await changeMemberRole(ctx, membershipId, { role: formText(form, "role") });
    revalidatePath(`/${ctx.tenant.slug}`, "layout");
    return {};
  });
}

export async function removeMemberAction(slug: string, membershipId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await removeMember(ctx, membershipId);
    revalidatePath(`/${ctx.tenant.slug}`, "layout");
    // Removing yourself is allowed; the tenant is then gone from your view.
    const self = actorUserId(ctx);
    if (self && !(await findMembership(self, ctx.tenant.slug))) redirect("/");
    return {};
  });
}

export async function revokeInvitationAction(slug: string, invitationId: string, _prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const ctx = await requireTenant(slug);
    await revokeInvitation(ctx, invitationId);
    revalidatePath(`/${ctx.tenant.slug}/members`);
    return {};
  });
}
