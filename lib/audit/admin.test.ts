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

  it("omits the password of a URL, wherever the URL is", () => {
    expect(withoutSecrets({ url: "https://bob:hunter2@example.com/mcp?x=1", note: "see http://a:b@h/ and https://plain.example" })).toEqual({
      url: `https://bob:${OMITTED}@example.com/mcp?x=1`,
      note: `see http://a:${OMITTED}@h/ and https://plain.example`,
    });
  });

  it("writes times as ISO text", () => {
    expect(withoutSecrets({ at: new Date("2026-01-02T03:04:05Z") })).toEqual({ at: "2026-01-02T03:04:05.000Z" });
  });
});
