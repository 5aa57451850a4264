import { eq, sql } from "drizzle-orm";
import { signInThrottle } from "@/db/schema";
import { dummyPasswordHash, verifyPassword } from "@/lib/crypto";
import { transaction } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { findUserByEmail, type User } from "./users";

/** From this many failures on, each failure locks the email for a growing time (2 s, 4 s, … 15 min). */
export const FREE_FAILURES = 5;
const MAX_LOCK_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const FAILURE_WINDOW = "1 hour";

export const INVALID_CREDENTIALS = "The email or password is not correct.";

export function lockSeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_SECONDS, 2 ** (failures - FREE_FAILURES + 1));
}

/**
 * Checks an email and password. Every failure looks the same to the caller
 * (no hint whether the email exists) and costs the same time; repeated
 * failures for one email lock it for a growing time, across all processes.
 */
export async function verifyCredentials(emailInput: string, password: string): Promise<User> {
  const email = String(emailInput ?? "").trim().toLowerCase();
  if (!email || !password) throw new AppError("unauthorized", INVALID_CREDENTIALS);

  const [throttle] = await transaction({}, (tx) => tx.select().from(signInThrottle).where(eq(signInThrottle.email, email)));
  const lockedFor = throttle?.lockedUntil ? Math.ceil((throttle.lockedUntil.getTime() - Date.now()) / 1000) : 0;
  if (lockedFor > 0) {
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${lockedFor} second${lockedFor === 1 ? "" : "s"}.`, {
      retryAfterSeconds: lockedFor,
    });
  }

  const user = await findUserByEmail(email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (user && user.passwordHash && ok) {
    if (throttle) await transaction({}, (tx) => tx.delete(signInThrottle).where(eq(signInThrottle.email, email)));
    return user;
  }
  await recordFailure(email);
  throw new AppError("unauthorized", INVALID_CREDENTIALS);
}

async function recordFailure(email: string): Promise<void> {
  await transaction({}, async (tx) => {
    const [row] = await tx
      .insert(signInThrottle)
      .values({ email, failures: 1 })
      .onConflictDoUpdate({
        target: signInThrottle.email,
        set: {
          failures: sql`case when ${signInThrottle.lastFailureAt} < now() - interval '${sql.raw(FAILURE_WINDOW)}' then 1 else ${signInThrottle.failures} + 1 end`,
          lastFailureAt: sql`now()`,
        },
      })
      .returning({ failures: signInThrottle.failures });
    const seconds = lockSeconds(row!.failures);
    if (seconds > 0) {
      await tx
        .update(signInThrottle)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${seconds})` })
        .where(eq(signInThrottle.email, email));
    }
  });
}
