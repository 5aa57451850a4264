import { and, eq } from "drizzle-orm";
import { userIdentities, users } from "@/db/schema";
import { transaction } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logRefusedSignIn, recordSignIn, UNKNOWN_CLIENT, type SignInClient } from "./sign-in-audit";
import { findUserByEmail, type User } from "./users";

export type OidcProfile = { issuer: string; subject: string; email?: string | null; emailVerified?: boolean | null; name?: string | null };

/**
 * Maps an identity from the configured OIDC provider to a Gatehouse user:
 * a known (issuer, subject) pair signs in as its user; otherwise a verified
 * email links to the account with that email or creates one. An unverified
 * email never links to an existing account.
 *
 * The sign-in is recorded (`auth.signed_in`) in the audit log of every tenant
 * the user belongs to, in the same transaction; a refused identity belongs to
 * no account yet, and leaves one log line.
 */
export async function resolveOidcUser(profile: OidcProfile, client: SignInClient = UNKNOWN_CLIENT): Promise<User> {
  return transaction({}, async (tx) => {
    const [linked] = await tx
      .select({ user: users })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.issuer, profile.issuer), eq(userIdentities.subject, profile.subject)));
    if (linked) {
      await recordSignIn(tx, linked.user, { kind: "signed_in", method: "oidc" }, client);
      return linked.user;
    }

    const email = profile.email?.trim().toLowerCase();
    if (!email || profile.emailVerified !== true) {
      logRefusedSignIn({ method: "oidc", email, reason: "no verified email from the identity provider", client });
      throw new AppError("forbidden", "Your identity provider did not confirm a verified email address.");
    }
    let user = await findUserByEmail(email, tx);
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({ id: newId("user"), email, name: profile.name?.trim() || email.split("@")[0]!, passwordHash: null })
        .returning();
    }
    await tx.insert(userIdentities).values({ id: newId("identity"), userId: user!.id, issuer: profile.issuer, subject: profile.subject });
    await recordSignIn(tx, user!, { kind: "signed_in", method: "oidc" }, client);
    return user!;
  });
}
