import { INVALID_CREDENTIALS } from "@/lib/auth/sign-in";

/**
 * A same-origin path to return to after sign-in, or undefined. Only paths
 * ("/x"), never "//host" or "/\host" which browsers treat as another origin.
 */
export function safeCallbackUrl(value: string | undefined | null): string | undefined {
  if (!value || value.length > 2048) return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return value;
}

/** Why credentials were refused, from next-auth's CredentialsSignin code. */
export function credentialsMessage(code: string | undefined): string {
  const limited = /^rate_limited:(\d+)$/.exec(code ?? "");
  if (limited) {
    const seconds = Number(limited[1]);
    return `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  }
  return INVALID_CREDENTIALS;
}

/** Plain words for the `?error=` next-auth adds when it sends someone back to the sign-in page. */
export function authErrorMessage(error: string | undefined, code: string | undefined): string | undefined {
  if (!error) return undefined;
  switch (error) {
    case "CredentialsSignin":
      return credentialsMessage(code);
    case "AccessDenied":
      return "Access was denied. Your account may not be allowed to sign in here.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCallbackError":
    case "OAuthAccountNotLinked":
    case "CallbackRouteError":
      return "Single sign-on did not complete. Try again; if it keeps failing, ask your administrator to check the identity provider settings.";
    case "Configuration":
      return "Sign-in could not be completed. With single sign-on, your identity provider must confirm a verified email address; otherwise ask the operator to check the server log.";
    case "Verification":
      return "This sign-in link is no longer valid. Start again.";
    case "MissingCSRF":
      return "The sign-in form expired. Reload the page and try again.";
    case "SessionRequired":
      return "Sign in to continue.";
    default:
      return "Sign-in did not complete. Try again.";
  }
}
