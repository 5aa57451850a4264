import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { consoleRoles } from "@/lib/rbac/permissions";

/** Slugs that would shadow a route of the app or confuse a reader. */
export const RESERVED_SLUGS = new Set([
  "api", "t", "app", "admin", "auth", "account", "accounts", "setup", "sign-in", "sign-out", "signin", "signout",
  "login", "logout", "register", "invite", "invites", "invitations", "tenants", "new", "settings", "static",
  "public", "assets", "health", "status", "docs", "help", "support", "www", "mcp", "oauth", "well-known",
  "_next", "favicon.ico", "robots.txt", "gatehouse", "system", "root", "null", "undefined",
]);

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "A slug has at least 3 characters.")
  .max(40, "A slug has at most 40 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")
  .refine((s) => !s.includes("--"), "Use single hyphens only.")
  .refine((s) => !RESERVED_SLUGS.has(s), { message: "This slug is reserved; choose another." });

export const tenantNameSchema = z.string().trim().min(1, "Give the tenant a name.").max(100, "A name has at most 100 characters.");

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An email address has at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

export const personNameSchema = z.string().trim().min(1, "Enter a name.").max(100, "A name has at most 100 characters.");

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `A password has at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(256, "A password has at most 256 characters.");

export const consoleRoleSchema = z.enum(consoleRoles, { error: `Choose one of: ${consoleRoles.join(", ")}.` });

export const createTenantInput = z.object({ slug: slugSchema, name: tenantNameSchema });
export const updateTenantInput = z
  .object({
    name: tenantNameSchema,
    approvalWaitSeconds: z
      .int("Give the wait in whole seconds.")
      .min(0, "The wait is 0 to 120 seconds.")
      .max(120, "The wait is 0 to 120 seconds.")
      .meta({ description: "How long a tools/call needing approval stays open for a decision before the agent is told to call again" }),
  })
  .partial()
  .strict();
export const addMemberInput = z.object({ email: emailSchema, role: consoleRoleSchema });
export const changeRoleInput = z.object({ role: consoleRoleSchema });
export const acceptInvitationSignUpInput = z.object({ name: personNameSchema, password: passwordSchema });

export type CreateTenantInput = z.input<typeof createTenantInput>;
export type UpdateTenantInput = z.input<typeof updateTenantInput>;
export type AddMemberInput = z.input<typeof addMemberInput>;
