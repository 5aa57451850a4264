import { describe, expect, it } from "vitest";
import { OMITTED, withoutSecrets } from "./admin";

describe("withoutSecrets", () => {
  it("omits secret-looking fields at any depth, and says a null one was not set", () => {
    const value = {
      name: "github",
      auth: { kind: "bearer", token: "ghp_abc", sealedCredentials: "v1.xyz", hint: "visible" },
      list: [{ clientSecret: "s1", password: null }],
      keyHash: "deadbeef",
      headers: { "x-api-key": "k" },
    };
    expect(withoutSecrets(value)).toEqual({
      name: "github",
      auth: { kind: "bearer", token: OMITTED, sealedCredentials: OMITTED, hint: "visible" },
      list: [{ clientSecret: OMITTED, password: null }],
      keyHash: OMITTED,
      headers: OMITTED,
    });
  });

  it("omits an environment map but keeps an `env` label", () => {
    expect(withoutSecrets({ env: { TOKEN: "t" }, labels: { env: "prod" } })).toEqual({ env: OMITTED, labels: { env: "prod" } });
  });

  it("masks the password of a URL, wherever the URL is", () => {
    expect(withoutSecrets({ url: "https://bob:hunter2@example.com/mcp?x=1", note: "see http://a:b@h/ and https://plain.example" })).toEqual({
      url: "https://bob:[REDACTED:secret:url_password]@example.com/mcp?x=1",
      note: "see http://a:[REDACTED:secret:url_password]@h/ and https://plain.example",
    });
  });

  it("masks the secrets the redactor knows inside any text: a key in a query string, a webhook URL, a provider's token", () => {
    const slack = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
    const stripe = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    const out = withoutSecrets({
      url: "https://mcp.example.com/sse?api_key=abcd1234efgh5678&region=eu",
      webhooks: [{ target: slack, events: ["server.created"] }],
      description: `uses ${stripe} for billing`,
      // PII is not a secret in configuration: a contact stays readable.
      contact: "ops@example.com",
    });
    expect(out).toEqual({
      url: "https://mcp.example.com/sse?api_key=[REDACTED:secret:credential]&region=eu",
      webhooks: [{ target: "[REDACTED:secret:slack_webhook]", events: ["server.created"] }],
      description: "uses [REDACTED:secret:stripe_key] for billing",
      contact: "ops@example.com",
    });
    expect(JSON.stringify(out)).not.toMatch(/abcd1234efgh5678|XXXXXXXXXXXXXXXX|51HxYz/);
  });

  it("writes times as ISO text", () => {
    expect(withoutSecrets({ at: new Date("2026-01-02T03:04:05Z") })).toEqual({ at: "2026-01-02T03:04:05.000Z" });
  });
});
