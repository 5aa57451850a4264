import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/crypto";
import { transaction, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db-errors";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { emailSchema, passwordSchema, personNameSchema } from "@/lib/tenancy/schemas";
import { parseInput } from "@/lib/validation";
import { z } from "zod";

export type User = typeof users.$inferSelect;
export type PublicUser = Pick<User, "id" | "email" | "name" | "createdAt">;

export const newUserInput = z.object({ email: emailSchema, name: personNameSchema, password: passwordSchema });
export type NewUserInput = z.input<typeof newUserInput>;

export function toPublicUser(u: User): PublicUser {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt };
}

/** Creates a user inside the caller's transaction; a taken email is a conflict. */
export async function insertUser(tx: Tx, input: NewUserInput): Promise<User> {
  const { email, name, password } = parseInput(newUserInput, input);
  try {
    const [user] = await tx
      .insert(users)
      .values({ id: newId("user"), email, name, passwordHash: await hashPassword(password) })
      .returning();
    return user!;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "An account with this email already exists. Sign in instead.");
    throw e;
  }
}

export async function findUserByEmail(email: string, tx?: Tx): Promise<User | undefined> {
  const run = async (t: Tx) => (await t.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`))[0];
  return tx ? run(tx) : transaction({}, run);
}

export async function findUserById(id: string): Promise<User | undefined> {
  return transaction({}, async (tx) => (await tx.select().from(users).where(eq(users.id, id)))[0]);
}

export async function countUsers(): Promise<number> {
  return transaction({}, async (tx) => {
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    return row?.n ?? 0;
  });
}

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1, "Enter your current password."), newPassword: passwordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { message: "The new password must differ from the current one.", path: ["newPassword"] });

/**
 * Changes a user's password and ends every session issued before now, in every
 * process (sessions are checked against `sessionsValidAfter` on each request).
 */
export async function changePassword(userId: string, input: z.input<typeof changePasswordInput>): Promise<void> {
  const { currentPassword, newPassword } = parseInput(changePasswordInput, input);
  await transaction({}, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) throw notFound("The account");
    if (!user.passwordHash || !(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AppError("validation_failed", "The current password is not correct.", { fields: { currentPassword: ["The current password is not correct."] } });
    }
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(newPassword), sessionsValidAfter: new Date() })
      .where(eq(users.id, userId));
  });
}

/** Ends every session of a user (sign out everywhere). */
export async function endAllSessions(userId: string): Promise<void> {
  await transaction({}, (tx) => tx.update(users).set({ sessionsValidAfter: new Date() }).where(eq(users.id, userId)));
}
