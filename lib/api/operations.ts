import { z } from "zod";
import { createAdminTokenInput, tokenRoles } from "@/lib/admin-tokens/schemas";
import { changePasswordInput } from "@/lib/auth/users";
import { consoleRoles } from "@/lib/rbac/permissions";
import { acceptInvitationSignUpInput, addMemberInput, changeRoleInput, createTenantInput, updateTenantInput } from "@/lib/tenancy/schemas";
import { setupInput } from "@/lib/tenancy/setup";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();
const role = z.enum(consoleRoles);

const tenant = z.object({ id: z.string(), slug: z.string(), name: z.string(), createdAt: timestamp });
const tenantWithRole = tenant.extend({ role });
const member = z.object({ id: z.string(), userId: z.string(), email: z.string(), name: z.string(), role, createdAt: timestamp });
const invitation = z.object({ id: z.string(), email: z.string(), role, expiresAt: timestamp, createdAt: timestamp, expired: z.boolean() });
const adminToken = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(tokenRoles),
  displayPrefix: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
const user = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: timestamp });

export const schemas = { tenant, tenantWithRole, member, invitation, adminToken, user };

/** Every admin API operation. Route files implement them; the OpenAPI document is generated from them. */
export const operations = {
  setup: defineOperation({
    id: "setup",
    method: "POST",
    path: "/setup",
    tag: "Setup",
    summary: "First run: create the first owner and tenant (only while no user exists)",
    auth: "none",
    body: setupInput,
    status: 201,
    response: z.object({ user, tenant }),
  }),
  getMe: defineOperation({
    id: "getMe",
    method: "GET",
    path: "/me",
    tag: "Account",
    summary: "Who is calling: the signed-in user, or the admin token and its tenant",
    auth: "principal",
    response: z.object({
      kind: z.enum(["user", "token"]),
      user: user.optional(),
      token: z.object({ id: z.string(), name: z.string(), role, tenant }).optional(),
    }),
  }),
  changePassword: defineOperation({
    id: "changePassword",
    method: "POST",
    path: "/me/password",
    tag: "Account",
    summary: "Change your password; every existing session of yours ends",
    auth: "user",
    body: changePasswordInput,
    status: 204,
  }),
  listConsoleRoles: defineOperation({
    id: "listConsoleRoles",
    method: "GET",
    path: "/console-roles",
    tag: "Members",
    summary: "Console roles and the permissions each grants",
    auth: "none",
    response: z.object({
      roles: z.array(z.object({ role, description: z.string(), permissions: z.array(z.string()) })),
      permissions: z.array(z.object({ permission: z.string(), description: z.string() })),
    }),
  }),
  listTenants: defineOperation({
    id: "listTenants",
    method: "GET",
    path: "/tenants",
    tag: "Tenants",
    summary: "Tenants you belong to (a token sees its own)",
    auth: "principal",
    response: z.object({ tenants: z.array(tenantWithRole) }),
  }),
  createTenant: defineOperation({
    id: "createTenant",
    method: "POST",
    path: "/tenants",
    tag: "Tenants",
    summary: "Create a tenant; you become its owner",
    auth: "user",
    body: createTenantInput,
    status: 201,
    response: z.object({ tenant: tenantWithRole }),
  }),
  getTenant: defineOperation({
    id: "getTenant",
    method: "GET",
    path: "/tenants/{tenant}",
    tag: "Tenants",
    summary: "A tenant and your role in it",
    auth: "tenant",
    permission: "tenant.read",
    response: z.object({ tenant: tenantWithRole }),
  }),
  updateTenant: defineOperation({
    id: "updateTenant",
    method: "PATCH",
    path: "/tenants/{tenant}",
    tag: "Tenants",
    summary: "Rename a tenant",
    auth: "tenant",
    permission: "tenant.update",
    body: updateTenantInput,
    response: z.object({ tenant: tenantWithRole }),
  }),
  listMembers: defineOperation({
    id: "listMembers",
    method: "GET",
    path: "/tenants/{tenant}/members",
    tag: "Members",
    summary: "Members and their console roles",
    auth: "tenant",
    permission: "members.read",
    response: z.object({ members: z.array(member) }),
  }),
  addMember: defineOperation({
    id: "addMember",
    method: "POST",
    path: "/tenants/{tenant}/members",
    tag: "Members",
    summary: "Add a member by email: an existing account joins at once, anyone else gets an invitation link (returned once)",
    auth: "tenant",
    permission: "members.write",
    body: addMemberInput,
    status: 201,
    response: z.object({
      member: member.optional(),
      invitation: invitation.extend({ url: z.string(), token: z.string() }).optional(),
    }),
  }),
  changeMemberRole: defineOperation({
    id: "changeMemberRole",
    method: "PATCH",
    path: "/tenants/{tenant}/members/{memberId}",
    tag: "Members",
    summary: "Change a member's console role (a tenant keeps at least one owner)",
    auth: "tenant",
    permission: "members.write",
    body: changeRoleInput,
    response: z.object({ member }),
  }),
  removeMember: defineOperation({
    id: "removeMember",
    method: "DELETE",
    path: "/tenants/{tenant}/members/{memberId}",
    tag: "Members",
    summary: "Remove a member; they lose access on their next request",
    auth: "tenant",
    permission: "members.write",
    status: 204,
  }),
  listInvitations: defineOperation({
    id: "listInvitations",
    method: "GET",
    path: "/tenants/{tenant}/invitations",
    tag: "Members",
    summary: "Open invitations",
    auth: "tenant",
    permission: "members.read",
    response: z.object({ invitations: z.array(invitation) }),
  }),
  revokeInvitation: defineOperation({
    id: "revokeInvitation",
    method: "DELETE",
    path: "/tenants/{tenant}/invitations/{invitationId}",
    tag: "Members",
    summary: "Revoke an open invitation",
    auth: "tenant",
    permission: "members.write",
    status: 204,
  }),
  acceptInvitation: defineOperation({
    id: "acceptInvitation",
    method: "POST",
    path: "/invitations/{token}/accept",
    tag: "Members",
    summary: "Accept an invitation by creating the invited account (name and password)",
    auth: "none",
    body: acceptInvitationSignUpInput,
    status: 201,
    response: z.object({ user, tenant: z.object({ slug: z.string() }) }),
  }),
  listAdminTokens: defineOperation({
    id: "listAdminTokens",
    method: "GET",
    path: "/tenants/{tenant}/tokens",
    tag: "Admin tokens",
    summary: "Admin API tokens (never their secrets)",
    auth: "tenant",
    permission: "tokens.read",
    response: z.object({ tokens: z.array(adminToken) }),
  }),
  createAdminToken: defineOperation({
    id: "createAdminToken",
    method: "POST",
    path: "/tenants/{tenant}/tokens",
    tag: "Admin tokens",
    summary: "Create an admin API token; its secret is returned this once",
    auth: "tenant",
    permission: "tokens.write",
    body: createAdminTokenInput,
    status: 201,
    response: z.object({ token: adminToken, secret: z.string() }),
  }),
  revokeAdminToken: defineOperation({
    id: "revokeAdminToken",
    method: "DELETE",
    path: "/tenants/{tenant}/tokens/{tokenId}",
    tag: "Admin tokens",
    summary: "Revoke an admin API token; it fails on its next use",
    auth: "tenant",
    permission: "tokens.write",
    status: 204,
  }),
};
