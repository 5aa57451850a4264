import { z } from "zod";

/** Admin tokens act with a console role below owner: owners are people. */
export const tokenRoles = ["admin", "reviewer", "auditor", "viewer"] as const;

export const createAdminTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(100, "A name has at most 100 characters."),
  role: z.enum(tokenRoles, { error: `Choose one of: ${tokenRoles.join(", ")}.` }).default("admin"),
  expiresInDays: z.coerce
    .number({ error: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(1, "A token lives at least 1 day.")
    .max(365, "A token lives at most 365 days.")
    .nullable()
    .default(90),
});
export type CreateAdminTokenInput = z.input<typeof createAdminTokenInput>;
