#!/usr/bin/env node
// A real OpenID provider (panva/oidc-provider) standing in for a company IdP in
// e2e/oidc.spec.ts. Configured by one JSON env var, OIDC_IDP_CONFIG:
//   { clientId, clientSecret, redirectUri, accounts: { <sub>: { email, email_verified, name } } }
// Listens on 127.0.0.1 on a free port and prints `{"issuer":"http://127.0.0.1:<port>"}`
// once ready. Its built-in dev interactions take any login: the login typed is the `sub`.
import { randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const { clientId, clientSecret, redirectUri, accounts } = JSON.parse(process.env.OIDC_IDP_CONFIG ?? "{}");

// Listen first so the issuer can name the port the OS handed out.
const server = http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Put the scope's claims in the ID token, as Google, Entra ID and Okta do:
  // Auth.js's "oidc" provider reads the profile from the ID token only.
  conformIdTokenClaims: false,
  findAccount: (_ctx, sub) => {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: () => ({ sub, ...account }) };
  },
});

server.on("request", provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
