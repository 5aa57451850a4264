import { eq, sql } from "drizzle-orm";
import { signInThrottle } from "@/db/schema";
import { dummyPasswordHash, verifyPassword } from "@/lib/crypto";
import { transaction, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logRefusedSignIn, recordSignIn, UNKNOWN_CLIENT, type SignInClient } from "./sign-in-audit";
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
 * Attempts for one email are serialized on its throttle row, so a burst of
 * parallel guesses gets no more checks than the same guesses one by one.
 *
 * Each attempt on an existing account is recorded in the audit log of every
 * tenant it belongs to (`auth.signed_in`, `auth.sign_in_failed` with the
 * reason), in the transaction that updates the throttle; an attempt on an
 * unknown email leaves one log line (see logRefusedSignIn). `client` is where
 * the request came from.
 */
export async function verifyCredentials(emailInput: string, password: string, client: SignInClient = UNKNOWN_CLIENT): Promise<User> {
  const email = String(emailInput ?? "").trim().toLowerCase();
  if (!email || !password || email.length > 254) throw new AppError("unauthorized", INVALID_CREDENTIALS);

  // The refusal is decided inside the transaction but thrown after it, so the failure count commits.
  const outcome = await transaction({}, async (tx) => {
    await tx.insert(signInThrottle).values({ email, failures: 0 }).onConflictDoNothing();
    const [throttle] = await tx.select().from(signInThrottle).where(eq(signInThrottle.email, email)).for("update");
    const user = await findUserByEmail(email, tx);
    const lockedFor = throttle?.lockedUntil ? Math.ceil((throttle.lockedUntil.getTime() - Date.now()) / 1000) : 0;
    if (lockedFor > 0) {
      await recordRefusal(tx, user, email, "locked", client);
      return { kind: "locked" as const, seconds: lockedFor };
    }

    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (user?.passwordHash && ok) {
      await tx.delete(signInThrottle).where(eq(signInThrottle.email, email));
      await recordSignIn(tx, user, { kind: "signed_in", method: "password" }, client);
      return { kind: "ok" as const, user };
    }
    const [row] = await tx
      .update(signInThrottle)
      .set({
        failures: sql`case when ${signInThrottle.failures} > 0 and ${signInThrottle.lastFailureAt} < now() - interval '${sql.raw(FAILURE_WINDOW)}' then 1 else ${signInThrottle.failures} + 1 end`,
        lastFailureAt: sql`now()`,
      })
      .where(eq(signInThrottle.email, email))
      .returning({ failures: signInThrottle.failures });
    const seconds = lockSeconds(row!.failures);
    if (seconds > 0) {
      await tx
        .update(signInThrottle)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${seconds})` })
        .where(eq(signInThrottle.email, email));
    }
    await recordRefusal(tx, user, email, user && !user.passwordHash ? "no password (single sign-on only)" : "wrong password", client);
    return { kind: "refused" as const };
  });

  if (outcome.kind === "ok") return outcome.user;
  if (outcome.kind === "locked") {
    const s = outcome.seconds;
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${s} second${s === 1 ? "" : "s"}.`, { retryAfterSeconds: s });
  }
  throw new AppError("unauthorized", INVALID_CREDENTIALS);
}

/**
 * A refused attempt: in the account's tenants' logs when the account exists,
 * else one log line. Either way nothing of the password. (Writing the events
 * costs an existing account's refusal a few milliseconds more than an unknown
 * email's, small beside the password check every attempt pays.)
 */
async function recordRefusal(tx: Tx, user: User | undefined, email: string, reason: string, client: SignInClient): Promise<void> {
  if (user) await recordSignIn(tx, user, { kind: "failed", method: "password", reason }, client);
  else logRefusedSignIn({ method: "password", email, reason: reason === "locked" ? "locked" : "no such account", client });
}
