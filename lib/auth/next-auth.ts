import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { resolveOidcUser } from "./oidc";
import { resolveAuthSecret } from "./secret";
import { signInClientOf } from "./sign-in-audit";
import { verifyCredentials } from "./sign-in";

/** Carries why credentials were refused: `invalid`, or `rate_limited:<seconds>`. */
class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/**
 * `request` is the request next-auth handles (the OIDC callback, among
 * others); undefined when called from a server action, whose credentials
 * check gets its own request in `authorize`. Each tells the audit log where a
 * sign-in came from.
 */
function config(request?: Request): NextAuthConfig {
  return {
    secret: resolveAuthSecret(),
    // Behind a proxy the Host header is the only source of the public URL; AUTH_URL pins it instead.
    trustHost: true,
    session: { strategy: "jwt", maxAge: env.GATEHOUSE_SESSION_MAX_AGE },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    logger: {
      // Refused credentials are expected traffic, not server errors.
      // Use the stable `type` (class names are minified in production builds) and the
      // cause, which carries our own reason, e.g. an SSO identity without a verified email.
      error: (error) => {
        const type = (error as { type?: string }).type ?? error.name;
        if (type === "CredentialsSignin") return;
        const cause = (error as { cause?: { err?: unknown } }).cause?.err;
        console.error(`[auth] ${type}: ${cause instanceof Error ? cause.message : error.message}`);
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        authorize: async (credentials, request) => {
          try {
            const user = await verifyCredentials(String(credentials.email ?? ""), String(credentials.password ?? ""), signInClientOf(request?.headers));
            return { id: user.id, email: user.email, name: user.name };
          } catch (e) {
            if (isAppError(e) && e.code === "rate_limited") throw new SignInRefused(`rate_limited:${e.retryAfterSeconds ?? 60}`);
            if (isAppError(e)) throw new SignInRefused("invalid");
            throw e;
          }
        },
      }),
      ...(env.oidc
        ? [
            {
              id: "oidc",
              name: env.oidc.name,
              type: "oidc" as const,
              issuer: env.oidc.issuer,
              clientId: env.oidc.clientId,
              clientSecret: env.oidc.clientSecret,
              checks: ["pkce" as const, "state" as const],
            },
          ]
        : []),
    ],
    callbacks: {
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "oidc" && profile?.sub) {
          const identity = {
            issuer: env.oidc!.issuer,
            subject: profile.sub,
            email: profile.email,
            emailVerified: profile.email_verified as boolean | undefined,
            name: profile.name,
          };
          // The provider's callback request: where the person signing in came from.
          const local = await resolveOidcUser(identity, signInClientOf(request?.headers));
          token.sub = local.id;
          token.authTime = Date.now();
        } else if (user?.id) {
          token.sub = user.id;
          token.authTime = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        session.user.id = token.sub!;
        session.authTime = typeof token.authTime === "number" ? token.authTime : 0;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth((request) => config(request));
