import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileRedactor, isCardNumber, isIban, isSecretFieldName, luhn, marker, parseFieldPath, redactSecrets, secretFieldKind, SECRET_PATTERN_REASONS } from "./redact";

const all = compileRedactor({ detectors: ["email", "phone", "card", "iban"], fieldRules: [] });
const args = (value: unknown, redactor = all) => all === redactor ? all.redact("args", value) : redactor.redact("args", value);
const masked = (text: string, redactor = all) => redactor.redact("args", { text }).value as { text: string };

function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
  return `${body}.${createHmac("sha256", "k").update(body).digest("base64url")}`;
}

describe("secrets inside strings are always masked, only the matched part", () => {
  const gh = "a1B2c3D4e5".repeat(4);
  const openai = "Ab3dEf6hIj".repeat(5);
  const token = jwt({ sub: "user-1", exp: 1_900_000_000 });
  // name, text, the secret in it, reason
  const cases: [string, string, string, string][] = [
    ["AWS access key id", "key AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE", "secret:aws_access_key"],
    ["AWS secret key (by its name)", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret:aws_secret_key"],
    ["GitHub classic token", `token ghp_${gh}`, `ghp_${gh}`, "secret:github_token"],
    ["GitHub OAuth token", `gho_${gh}`, `gho_${gh}`, "secret:github_token"],
    ["GitHub app token", `ghs_${gh}.`, `ghs_${gh}`, "secret:github_token"],
    ["GitHub fine-grained token", `github_pat_11ABCDEFG0123456789_${gh}`, `11ABCDEFG0123456789_${gh}`, "secret:github_token"],
    ["GitLab token", "glpat-abcdefghij0123456789", "abcdefghij0123456789", "secret:gitlab_token"],
    ["Slack bot token", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "0987654321-AbCdEfGhIjKlMnOp", "secret:slack_token"],
    ["Stripe live key", "sk_live_51HxYzAbCdEfGhIjKlMnOpQr", "51HxYzAbCdEfGhIjKlMnOpQr", "secret:stripe_key"],
    ["Stripe restricted key", "(rk_live_51HxYzAbCdEfGhIjKlMnOpQr)", "51HxYzAbCdEfGhIjKlMnOpQr", "secret:stripe_key"],
    ["Stripe test key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc", "secret:stripe_key"],
    ["OpenAI key", `OPENAI_API_KEY is sk-${openai}`, openai, "secret:openai_key"],
    ["OpenAI project key", `sk-proj-${openai}`, openai, "secret:openai_key"],
    ["Anthropic key", `sk-ant-api03-${openai}`, openai, "secret:anthropic_key"],
    ["Google API key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "secret:google_api_key"],
    ["authorization header", "Authorization: Bearer abcDEF0123456789.ghiJKL-mno", "abcDEF0123456789.ghiJKL-mno", "secret:authorization"],
    ["bearer token in prose", "use Bearer abcDEF0123456789ghiJKLmno to call", "abcDEF0123456789ghiJKLmno", "secret:bearer"],
    ["JWT", `session=${token}; path=/`, token.split(".")[1]!, "secret:jwt"],
    ["password in a URL", "postgres://app:s3cr3t-P4ss@db.example.com:5432/app", "s3cr3t-P4ss", "secret:url_password"],
    ["password assignment", "connect with password=hunter2hunter2 now", "hunter2hunter2", "secret:credential"],
    ["password assignment after an underscore", "DB_PASSWORD=hunter2hunter2", "hunter2hunter2", "secret:credential"],
    ["key after an underscore", "fixture__x_sk_live_51HxYzAbCdEfGhIjKlMnOpQr", "51HxYzAbCdEfGhIjKlMnOpQr", "secret:stripe_key"],
    ["Gatehouse agent key", "gth_agt_AbCdEfGhIjKlMnOpQrStUvWx", "AbCdEfGhIjKlMnOpQrStUvWx", "secret:gatehouse_key"],
    ["SendGrid key", "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "secret:sendgrid_key"],
    ["npm token", "publish with npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_abcdefghijklmnopqrstuvwxyz0123456789", "secret:npm_token"],
    ["Hugging Face token", "HF token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "secret:huggingface_token"],
    ["Google OAuth access token", "got ya29.a0AfH6SMBabcdefghijklmnopqrstuvwxyz0123456789 back", "a0AfH6SMBabcdefghijklmnopqrstuvwxyz0123456789", "secret:google_oauth_token"],
    ["Twilio API key", "key SK0123456789abcdef0123456789abcdef ok", "SK0123456789abcdef0123456789abcdef", "secret:twilio_key"],
    [
      "Azure storage connection string",
      "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==;EndpointSuffix=core.windows.net",
      "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==",
      "secret:azure_key",
    ],
    ["Azure service bus key", "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6=", "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6=", "secret:azure_key"],
    ["Azure SAS signature in a URL", "https://acme.blob.core.windows.net/c/b.txt?sv=2021-08-06&se=2030-01-01&sp=r&sig=Ab3dEf6hIj%2BklMnOp%3D", "Ab3dEf6hIj%2BklMnOp%3D", "secret:url_signature"],
    ["S3 presigned URL", "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=abcdef0123456789abcdef0123456789", "abcdef0123456789abcdef0123456789", "secret:url_signature"],
    ["Cookie header", "GET / HTTP/1.1\r\nCookie: session=abcdef0123456789abcdef; theme=dark\r\nAccept: */*", "session=abcdef0123456789abcdef; theme=dark", "secret:cookie"],
    ["Set-Cookie header", "Set-Cookie: sid=Q29va2llVmFsdWUxMjM0NTY; Path=/; HttpOnly", "sid=Q29va2llVmFsdWUxMjM0NTY", "secret:cookie"],
    ["Basic credentials outside a header", "curl with Basic dXNlcjpodW50ZXIydG9v please", "dXNlcjpodW50ZXIydG9v", "secret:basic_auth"],
    ["AWS secret key in JSON, camelCase", '{"awsSecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret:aws_secret_key"],
    ["password in a URL that holds @", "postgres://user:p@ss-w0rd!@db.example.com/app", "p@ss-w0rd!", "secret:url_password"],
    ["camelCase password label", "connect dbPassword=hunter2hunter2 now", "hunter2hunter2", "secret:credential"],
    ["camelCase token label", "userToken: abcdef123456xyz", "abcdef123456xyz", "secret:credential"],
    ["api_key in a query string", "https://api.example.com/v1/items?api_key=abcd1234efgh5678&page=2", "abcd1234efgh5678", "secret:credential"],
    ["JSON quoted in a string", 'body {"user":"ada","password":"hunter2hunter2"}', "hunter2hunter2", "secret:credential"],
    ["JSON quoted twice (escaped quotes)", 'body "{\\"password\\":\\"hunter2hunter2\\"}"', "hunter2hunter2", "secret:credential"],
    ["client_secret label", "client_secret=Zx9Yw8Xv7Wu6Vt5", "Zx9Yw8Xv7Wu6Vt5", "secret:credential"],
  ];
  it.each(cases)("%s", (_name, text, secret, reason) => {
    const { value, redactions } = args({ note: text });
    const out = (value as { note: string }).note;
    expect(out).toContain(marker(reason));
    expect(out).not.toContain(secret.slice(-12));
    expect(out).not.toContain(secret.slice(0, 12));
    expect(redactions).toEqual([{ path: "args.note", reason }]);
  });

  it("masks a short quoted password, escaped or not, and keeps the JSON around it", () => {
    expect(masked('{"password":"x","user":"ada"}').text).toBe('{"password":"[REDACTED:secret:credential]","user":"ada"}');
    expect(masked('{\\"password\\":\\"x\\"}').text).toBe('{\\"password\\":\\"[REDACTED:secret:credential]\\"}');
    expect(masked("password: 'p w'").text).toBe("password: '[REDACTED:secret:credential]'");
  });

  it("masks the password of a URL up to its last @, and keeps the host", () => {
    expect(masked("postgres://u:p@ss@db.example.com/app").text).toBe("postgres://u:[REDACTED:secret:url_password]@db.example.com/app");
    expect(masked("redis://:s3cret@cache:6379 and mail bob@example.org").text).toBe("redis://:[REDACTED:secret:url_password]@cache:6379 and mail [REDACTED:pii:email]");
  });

  it("keeps the words around a secret and the rest of a URL", () => {
    expect(masked("postgres://app:s3cr3t@db.example.com:5432/app").text).toBe("postgres://app:[REDACTED:secret:url_password]@db.example.com:5432/app");
    expect(masked("call sk_live_51HxYzAbCdEfGhIjKlMnOpQr now").text).toBe("call [REDACTED:secret:stripe_key] now");
    expect(masked("Authorization: Bearer abcDEF0123456789ghi").text).toBe("Authorization: Bearer [REDACTED:secret:authorization]");
  });

  it("masks a PEM private key whole, even when its end was cut off", () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7${"x".repeat(200)}\n-----END RSA PRIVATE KEY-----`;
    expect(masked(`key:\n${pem}\ndone`).text).toBe("key:\n[REDACTED:secret:private_key]\ndone");
    expect(masked(`-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${"y".repeat(50)}`).text).toBe("[REDACTED:secret:private_key]");
    // A public key is not a secret.
    const pub = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----";
    expect(masked(pub).text).toBe(pub);
  });
});

describe("secret field names", () => {
  it("mask the whole value of password, token, api_key, Authorization, … at any depth", () => {
    const { value, redactions } = args({
      password: "hunter2",
      user: { apiKey: "abc", api_key: 12345, name: "Ada", client_secret: "s", private_key: { d: "x" } },
      headers: { Authorization: "Basic dXNlcjpwYXNz", "X-Api-Key": "k", accept: "json" },
      list: [{ access_token: "t" }],
      empty: { password: "", token: null, has_password: true },
    });
    expect(value).toEqual({
      password: "[REDACTED:field:password]",
      user: { apiKey: "[REDACTED:field:apiKey]", api_key: "[REDACTED:field:api_key]", name: "Ada", client_secret: "[REDACTED:field:client_secret]", private_key: "[REDACTED:field:private_key]" },
      headers: { Authorization: "[REDACTED:field:Authorization]", "X-Api-Key": "[REDACTED:field:X-Api-Key]", accept: "json" },
      list: [{ access_token: "[REDACTED:field:access_token]" }],
      // Nothing to hide in an empty, null or yes/no value: "was it set" stays visible.
      empty: { password: "", token: null, has_password: true },
    });
    expect(redactions).toContainEqual({ path: "args.user.api_key", reason: "field:api_key" });
    expect(redactions).toContainEqual({ path: "args.headers.X-Api-Key", reason: "field:X-Api-Key" });
    expect(redactions).toContainEqual({ path: "args.list[0].access_token", reason: "field:access_token" });
  });

  it("mask plural and variant names too; ambiguous names only when the value is text", () => {
    const { value, redactions } = args({
      secrets: { db: "hunter2hunter2" },
      passwords: ["hunter2x"],
      api_keys: ["abcd1234efgh"],
      apiKeys: [{ id: 1 }],
      access_key: "AKIA-like",
      secret_key: "s",
      client_secret: "c",
      refresh_token: "r",
      "set-cookie": "sid=1",
      cookie: "a=b",
      "x-api-key": "k",
      pwd: "p",
      pass: "hunter2x",
      pin: "1234",
      session: "sess_abcdef",
      github_token: "gh",
      tokens: "tok_123",
      // The same names holding what is not a secret stay.
      other: { pass: true, pin: 3, session: { id: "s1", startedAt: "2024-01-01" }, tokens: 4096, max_tokens: 4096, input_tokens: 12, token_count: 3, output_tokens: [1, 2] },
    });
    expect(value).toEqual({
      secrets: "[REDACTED:field:secrets]",
      passwords: "[REDACTED:field:passwords]",
      api_keys: "[REDACTED:field:api_keys]",
      apiKeys: "[REDACTED:field:apiKeys]",
      access_key: "[REDACTED:field:access_key]",
      secret_key: "[REDACTED:field:secret_key]",
      client_secret: "[REDACTED:field:client_secret]",
      refresh_token: "[REDACTED:field:refresh_token]",
      "set-cookie": "[REDACTED:field:set-cookie]",
      cookie: "[REDACTED:field:cookie]",
      "x-api-key": "[REDACTED:field:x-api-key]",
      pwd: "[REDACTED:field:pwd]",
      pass: "[REDACTED:field:pass]",
      pin: "[REDACTED:field:pin]",
      session: "[REDACTED:field:session]",
      github_token: "[REDACTED:field:github_token]",
      tokens: "[REDACTED:field:tokens]",
      other: { pass: true, pin: 3, session: { id: "s1", startedAt: "2024-01-01" }, tokens: 4096, max_tokens: 4096, input_tokens: 12, token_count: 3, output_tokens: [1, 2] },
    });
    expect(redactions.every((r) => !r.path.startsWith("args.other"))).toBe(true);
    expect(secretFieldKind("session")).toBe("text");
    expect(secretFieldKind("passwords")).toBe("any");
    expect(secretFieldKind("token_count")).toBeUndefined();
  });

  it("does not take counts and ordinary names for secrets", () => {
    for (const name of ["max_tokens", "token_count", "input_tokens", "author", "secretary_name", "keyboard", "passenger", "password_policy", "passport", "pinned", "sessions_count", "key", "access_key_id"])
      expect(isSecretFieldName(name), name).toBe(false);
    for (const name of ["password", "db_password", "apiKey", "API_KEY", "x-api-key", "clientSecret", "refresh_token", "private_key", "Cookie"]) expect(isSecretFieldName(name), name).toBe(true);
  });
});

describe("PII detectors", () => {
  it("mask emails, phones, Luhn-valid cards and mod-97-valid IBANs, each where it stands", () => {
    const { value, redactions } = all.redact("args", {
      customer: { email: "Contact: ada.lovelace+audit@example.co.uk, thanks", phone: "call +1 (555) 123-4567 or +44 20 7946 0958" },
      us: "office 555-123-4567",
      compact: "+4915112345678",
      cards: ["4111 1111 1111 1111", "paid with 5555555555554444.", "amex 378282246310005"],
      number: 4111111111111111,
      ibans: "DE89 3704 0044 0532 0130 00 and GB82WEST12345698765432",
    });
    expect(value).toEqual({
      customer: { email: "Contact: [REDACTED:pii:email], thanks", phone: "call [REDACTED:pii:phone] or [REDACTED:pii:phone]" },
      us: "office [REDACTED:pii:phone]",
      compact: "[REDACTED:pii:phone]",
      cards: ["[REDACTED:pii:card]", "paid with [REDACTED:pii:card].", "amex [REDACTED:pii:card]"],
      number: "[REDACTED:pii:card]",
      ibans: "[REDACTED:pii:iban] and [REDACTED:pii:iban]",
    });
    expect(redactions).toEqual(
      expect.arrayContaining([
        { path: "args.customer.email", reason: "pii:email" },
        { path: "args.customer.phone", reason: "pii:phone" },
        { path: "args.cards[1]", reason: "pii:card" },
        { path: "args.number", reason: "pii:card" },
        { path: "args.ibans", reason: "pii:iban" },
      ]),
    );
    // One entry per place and reason, however many matches.
    expect(redactions.filter((r) => r.path === "args.customer.phone")).toHaveLength(1);
  });

  it("leaves look-alikes alone: non-Luhn digits, order ids, UUIDs, times, SHAs, versions, addresses, amounts", () => {
    const plain = {
      nonLuhn: "card 4111 1111 1111 1112 and 4111111111111112",
      orderIds: ["ORD-20240115-000123", "order 1234567890123", "#998877665544", "A-7781-2231-0045"],
      msTimestamp: "1700000000000",
      tsNumber: 1700000000000,
      bigId: 12345678901234,
      iso: ["2024-01-15T10:30:00.000Z", "2024-01-15 10:30:00+05:30", "20240115T103000Z"],
      uuid: "123e4567-e89b-12d3-a456-426614174000",
      sha: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
      shortSha: "commit 3f9a2c1 on main",
      version: "v1.20.345 build 2024.01.15",
      ip: "192.168.100.200 and 2001:db8::1",
      money: "$1,234,567.89 or 1 234 567,89 €",
      badIban: "DE89370400440532013001",
      ibanShaped: "AB12CDEFGHIJKLMNOP",
      tokens: { max_tokens: 4096, token_count: 12, input_tokens: 3 },
      prose: "The secretary keeps basic notes; token-based auth is explained in chapter 7.",
      hostPort: "db.internal:5432/app",
      notAPhone: "+05:30",
    };
    const { value, redactions } = all.redact("result", plain);
    expect(redactions).toEqual([]);
    expect(value).toEqual(plain);
  });

  it("are off when the tenant turns them off; secrets stay masked regardless", () => {
    const none = compileRedactor({ detectors: [], fieldRules: [] });
    const input = { email: "ada@example.com", card: "4111111111111111", key: "sk_live_51HxYzAbCdEfGhIjKlMnOpQr", password: "x" };
    expect(none.redact("args", input).value).toEqual({ email: "ada@example.com", card: "4111111111111111", key: "[REDACTED:secret:stripe_key]", password: "[REDACTED:field:password]" });
    const emailOnly = compileRedactor({ detectors: ["email"], fieldRules: [] });
    expect(emailOnly.redact("args", input).value).toMatchObject({ email: "[REDACTED:pii:email]", card: "4111111111111111" });
  });
});

describe("field rules by JSON path", () => {
  const rules = compileRedactor({
    detectors: [],
    fieldRules: [
      { path: "args.password_hint" },
      { path: "args.customer.ssn", reason: "ssn" },
      { path: "result.content[*].text" },
      { path: "args.items[0].card" },
    ],
  });

  it("mask the whole value at that path, under its root only", () => {
    const a = rules.redact("args", {
      password_hint: "my dog",
      customer: { ssn: "078-05-1120", name: "Ada" },
      items: [{ card: { last4: "1111" } }, { card: "kept" }],
      content: [{ text: "args is not result" }],
    });
    expect(a.value).toEqual({
      password_hint: "[REDACTED:rule:args.password_hint]",
      customer: { ssn: "[REDACTED:rule:ssn]", name: "Ada" },
      items: [{ card: "[REDACTED:rule:args.items[0].card]" }, { card: "kept" }],
      content: [{ text: "args is not result" }],
    });
    expect(a.redactions).toEqual([
      { path: "args.password_hint", reason: "rule:args.password_hint" },
      { path: "args.customer.ssn", reason: "rule:ssn" },
      { path: "args.items[0].card", reason: "rule:args.items[0].card" },
    ]);
    const r = rules.redact("result", { content: [{ type: "text", text: "one" }, { type: "text", text: "two" }] });
    expect(r.value).toEqual({ content: [{ type: "text", text: "[REDACTED:rule:result.content[*].text]" }, { type: "text", text: "[REDACTED:rule:result.content[*].text]" }] });
    expect(r.redactions.map((x) => x.path)).toEqual(["result.content[0].text", "result.content[1].text"]);
  });

  it("a rule on the root masks the whole payload", () => {
    const whole = compileRedactor({ detectors: [], fieldRules: [{ path: "result" }] });
    expect(whole.redact("result", { anything: 1 })).toEqual({ value: "[REDACTED:rule:result]", redactions: [{ path: "result", reason: "rule:result" }], cut: false });
    expect(whole.redact("args", { anything: 1 }).value).toEqual({ anything: 1 });
  });

  it("paths parse or say what is wrong", () => {
    expect(parseFieldPath("args.customer.ssn")).toEqual({ root: "args", segments: [{ key: "customer" }, { key: "ssn" }] });
    expect(parseFieldPath("result.content[*].text")).toEqual({ root: "result", segments: [{ key: "content" }, { any: true }, { key: "text" }] });
    expect(parseFieldPath("args.items[0].card").segments[1]).toEqual({ index: 0 });
    expect(parseFieldPath("result")).toEqual({ root: "result", segments: [] });
    for (const [bad, message] of [
      ["password", /starts with "args" or "result"/],
      ["arguments.x", /starts with "args" or "result"/],
      ["args.", /field name/],
      ["args..x", /field name/],
      ["args.items[x]", /index or \*/],
      ["args.items[", /index or \*/],
      ["args x", /starts with "args" or "result"/],
      ["args.a b", /Steps are/],
    ] as const) {
      expect(() => parseFieldPath(bad), bad).toThrow(message);
    }
  });
});

describe("object keys", () => {
  it("are scanned too: a key that is a secret or an email is stored masked, and its path names the masked key", () => {
    const stripe = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    const { value, redactions } = args({ [stripe]: true, "ada@example.com": { plan: "pro" }, "bob@example.com": { plan: "free" }, plain: 1 });
    expect(value).toEqual({
      "[REDACTED:secret:stripe_key]": true,
      "[REDACTED:pii:email]": { plan: "pro" },
      // Two keys masked alike are both kept.
      "[REDACTED:pii:email] (2)": { plan: "free" },
      plain: 1,
    });
    expect(redactions).toEqual([
      { path: 'args["[REDACTED:secret:stripe_key]"]', reason: "secret:stripe_key" },
      { path: 'args["[REDACTED:pii:email]"]', reason: "pii:email" },
      { path: 'args["[REDACTED:pii:email] (2)"]', reason: "pii:email" },
    ]);
    const text = JSON.stringify({ value, redactions });
    for (const secret of [stripe, "51HxYz", "ada@", "bob@", "example.com"]) expect(text).not.toContain(secret);
  });

  it("a secret-named member under a masked key is masked without naming the key", () => {
    const { value, redactions } = args({ "sk_live_51HxYzAbCdEfGhIjKlMnOpQr_token": "t" });
    expect(JSON.stringify({ value, redactions })).not.toContain("51HxYz");
    expect(value).toEqual({ "[REDACTED:secret:stripe_key]_token": "[REDACTED:field:masked key]" });
  });

  it("keeps a member named __proto__ as a member", () => {
    const { value } = args(JSON.parse('{"__proto__": {"password": "p"}, "a": 1}'));
    expect(Object.keys(value as object)).toEqual(["__proto__", "a"]);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"password":"[REDACTED:field:password]"},"a":1}');
  });
});

describe("false positives stay low", () => {
  it("leaves prose, counts and ordinary URLs alone", () => {
    const plain = {
      prose: "maxTokens: 4096 and tokenizer: bert. The secretary keeps basic notes; Basic information about Basic auth.",
      tokenSettings: { max_tokens: 4096, tokens: 128, token_count: 3 },
      urls: ["https://example.com/a?page=2&sort=asc", "https://example.com/path#user:x", "see https://host:8443/x"],
      signatureWord: "the design=simple, signal=strong",
      cookieWord: "cookies are nice",
      basic: "Basic plan",
      sg: "SG.short.text",
      sk: "SKU0123456789abcdef0123456789abcdef",
    };
    const { value, redactions } = all.redact("args", plain);
    expect(redactions).toEqual([]);
    expect(value).toEqual(plain);
  });
});

describe("secrets only (configuration in the audit log)", () => {
  it("masks secrets in text but not PII", () => {
    expect(redactSecrets("https://mcp.example.com/sse?api_key=abcd1234efgh5678 by ada@example.com")).toBe(
      "https://mcp.example.com/sse?api_key=[REDACTED:secret:credential] by ada@example.com",
    );
    expect(redactSecrets("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX")).toBe("[REDACTED:secret:slack_webhook]");
  });
});

describe("the redaction record", () => {
  it("redacting twice gives the same value and the same record (markers are recognised, not masked again)", () => {
    const input = { email: "ada@example.com", nested: { password: "p", url: "https://u:pw@h.example/x" }, text: `jwt ${jwt({ a: 1 })}` };
    const once = all.redact("args", input);
    const twice = all.redact("args", once.value);
    expect(twice.value).toEqual(once.value);
    expect(twice.redactions).toEqual(once.redactions);
  });

  it("never holds the secret, only where and why", () => {
    const secret = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    const { redactions } = all.redact("args", { a: secret, b: { token: secret } });
    expect(JSON.stringify(redactions)).not.toContain("51HxYz");
  });

  it("does not change its input", () => {
    const input = { password: "p", text: "ada@example.com" };
    all.redact("args", input);
    expect(input).toEqual({ password: "p", text: "ada@example.com" });
  });
});

describe("bounded work", () => {
  it("past the budget, members are dropped and a long string is cut, its cut end dropped so no half secret survives", () => {
    const secret = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    // The cut falls 10 characters into the secret: "sk_live_51" alone matches no pattern.
    const long = `${"a ".repeat(2003)}${secret}${" b".repeat(3000)}`;
    const { value, cut } = all.redact("result", { text: long, more: Array.from({ length: 1000 }, (_, i) => `item ${i}`) }, { budget: 3000 });
    expect(cut).toBe(true);
    const out = value as { text: string; more?: string[] };
    expect(out.text.length).toBeLessThan(long.length);
    expect(out.text).not.toContain("sk_live");
    expect(out.more?.length ?? 0).toBeLessThan(1000);
  });

  it("stays linear on hostile strings (long runs that almost match)", () => {
    const hostile = ["a".repeat(200_000), "1".repeat(200_000), `${"a.".repeat(100_000)}@`, `+${"1 ".repeat(100_000)}`, `${"AB12".repeat(50_000)}`, `https://${"a".repeat(100_000)}`];
    for (const text of hostile) {
      const started = performance.now();
      all.redact("args", { text });
      expect(performance.now() - started, text.slice(0, 12)).toBeLessThan(500);
    }
  });

  it("a key longer than what is left of the budget ends the walk (it is not scanned)", () => {
    const { value, cut } = all.redact("args", { a: 1, ["k".repeat(100_000)]: 2, b: 3 }, { budget: 1000 });
    expect(cut).toBe(true);
    expect(value).toEqual({ a: 1 });
  });

  it("redactText cuts its input first (to 10 000 characters unless told)", () => {
    expect(all.redactText("a".repeat(50_000))).toHaveLength(10_000);
    expect(all.redactText("a".repeat(50_000), 100)).toHaveLength(100);
  });

  it("redacts a typical 2 KB payload well under a millisecond", () => {
    const payload = {
      query: "select id, status, total from orders where customer_id = $1 and created_at > $2 order by created_at desc limit 50",
      params: ["cus_8f2a9c1d", "2024-01-15T10:30:00.000Z"],
      options: { timeoutMs: 30000, retries: 3, tags: ["billing", "eu-west-1", "priority"] },
      context: {
        requestId: "123e4567-e89b-12d3-a456-426614174000",
        commit: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
        note: "Customer asked about invoice INV-2024-000123 issued on 2024-01-15; total 1,234.56 EUR. ".repeat(5),
      },
      items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1, price: 9.99 * (i + 1), description: `Item number ${i} of the order` })),
    };
    expect(JSON.stringify(payload).length).toBeGreaterThan(1800);
    for (let i = 0; i < 200; i++) all.redact("args", payload);
    const rounds = 2000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) all.redact("args", payload);
    const perCall = (performance.now() - started) / rounds;
    console.info(`redact: ${(perCall * 1000).toFixed(1)} µs per 2 KB payload`);
    expect(perCall).toBeLessThan(1);
  });
});

describe("checks", () => {
  it("Luhn and card ranges", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("4111111111111112")).toBe(false);
    expect(isCardNumber("4012888888881881")).toBe(true);
    expect(isCardNumber("1700000000000")).toBe(false); // a millisecond timestamp, even where Luhn passes
    expect(isCardNumber("0000000000000000")).toBe(false);
    expect(isCardNumber("2223000048400011")).toBe(true);
  });
  it("IBAN length and mod 97", () => {
    expect(isIban("DE89370400440532013000")).toBe(true);
    expect(isIban("GB82WEST12345698765432")).toBe(true);
    expect(isIban("GB82WEST12345698765433")).toBe(false);
    expect(isIban("XX82WEST12345698765432")).toBe(false);
  });
});

// ReDoS: every pattern against 200 KB of its own prefix fragments, repeated,
// each followed by a character its body may hold (`eyJ_eyJ_…` made the JWT
// pattern quadratic: 80 KB took seconds). Linear work takes a few
// milliseconds here; quadratic takes seconds. The bound is generous for a
// loaded machine and still far below what quadratic costs at this size.
describe("hostile input: linear time for every pattern", () => {
  const HOSTILE_BYTES = 200_000;
  const LIMIT_MS = 100;
  const token = jwt({ sub: "user-1" });
  /** Real matches of each pattern: their prefixes are the fragments. */
  const SAMPLES: Record<string, string[]> = {
    "secret:private_key": ["-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"],
    "secret:url_password": ["postgres://user:p@ss@db.example.com/app", "a://b:c@d"],
    "secret:jwt": [token, "eyJaaaaaaaa.eyJbbbbbbbb.c"],
    "secret:aws_access_key": ["AKIAIOSFODNN7EXAMPLE"],
    "secret:aws_secret_key": ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", '\\"SecretAccessKey\\": \\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    "secret:github_token": [`ghp_${"a1B2c3D4e5".repeat(4)}`, `github_pat_11ABCDEFG0123456789_${"a1B2c3D4e5".repeat(3)}`],
    "secret:gitlab_token": ["glpat-abcdefghij0123456789"],
    "secret:slack_token": ["xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"],
    "secret:slack_webhook": ["https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX"],
    "secret:stripe_key": ["sk_live_51HxYzAbCdEfGhIjKlMnOpQr"],
    "secret:webhook_secret": ["whsec_abcdefghij0123456789"],
    "secret:anthropic_key": [`sk-ant-api03-${"Ab3dEf6hIj".repeat(3)}`],
    "secret:openai_key": [`sk-proj-${"Ab3dEf6hIj".repeat(3)}`],
    "secret:google_api_key": ["AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"],
    "secret:google_oauth_token": ["ya29.a0AfH6SMBabcdefghijklmnopqrstuvwxyz0123456789"],
    "secret:sendgrid_key": ["SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"],
    "secret:npm_token": ["npm_abcdefghijklmnopqrstuvwxyz0123456789"],
    "secret:huggingface_token": ["hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"],
    "secret:twilio_key": ["SK0123456789abcdef0123456789abcdef"],
    "secret:gatehouse_key": ["gth_agt_AbCdEfGhIjKlMnOpQrStUvWx"],
    "secret:azure_key": ["AccountKey=Zm9vYmFyYmF6cXV4Zm9v==;", "SharedAccessSignature=sv=2021&sig=abc;"],
    "secret:url_signature": ["?sig=Ab3dEf6hIj%2Bkl&", "&X-Amz-Signature=abcdef0123456789&"],
    "secret:cookie": ["Set-Cookie: sid=abc; Path=/\r\n"],
    "secret:authorization": ["Authorization: Bearer abcDEF0123456789.ghiJKL-mno", '\\"authorization\\": \\"Basic dXNlcjpwYXNz'],
    "secret:bearer": ["Bearer abcDEF0123456789ghiJKLmno"],
    "secret:credential": ["password=hunter2hunter2", 'dbPassword: \\"hunter2\\"', "API_KEY='abc'", "userToken=abcdef"],
    "secret:basic_auth": ["Basic dXNlcjpodW50ZXIy"],
    existing: ["[REDACTED:secret:jwt]"],
    "pii:email": ["ada.lovelace+audit@mail.example.co.uk"],
    "pii:phone": ["+44 20 7946 0958", "+1 (555) 123-4567", "(555) 123-4567", "+4915112345678"],
    "pii:card": ["4111 1111 1111 1111", "4111-1111-1111-1111"],
    "pii:iban": ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"],
  };
  /** What may follow a fragment: characters of the patterns' bodies and separators. */
  const FOLLOWERS = ["", "_", "-", ".", " ", "@", "=", "a", '\\"'];

  /** Up to 10 prefix lengths of a sample, the short ones (where starts recur most often) all included. */
  function prefixes(sample: string): string[] {
    const lengths = new Set<number>();
    for (let k = 1; k <= Math.min(5, sample.length); k++) lengths.add(k);
    for (let i = 1; i <= 5; i++) lengths.add(Math.max(1, Math.round((sample.length * i) / 5)));
    return [...lengths].map((k) => sample.slice(0, k));
  }
  const fill = (fragment: string) => fragment.repeat(Math.ceil(HOSTILE_BYTES / fragment.length)).slice(0, HOSTILE_BYTES);

  /** The slowest text's time: the best of up to three runs, so a garbage-collection pause is not taken for quadratic work (which is slow every time). */
  function slowest(texts: string[]): { ms: number; text: string } {
    let worst = { ms: 0, text: "" };
    for (const text of texts) {
      let ms = Infinity;
      for (let run = 0; run < 3 && ms >= LIMIT_MS; run++) {
        const started = performance.now();
        all.redactText(text, Infinity);
        ms = Math.min(ms, performance.now() - started);
      }
      if (ms > worst.ms) worst = { ms, text };
    }
    return worst;
  }

  it("has hostile samples for every secret pattern", () => {
    expect(SECRET_PATTERN_REASONS.filter((r) => !SAMPLES[r])).toEqual([]);
  });

  it.each(Object.keys(SAMPLES))("%s: 200 KB of its prefix fragments repeated", (reason) => {
    const texts = SAMPLES[reason]!.flatMap((sample) => prefixes(sample).flatMap((p) => FOLLOWERS.map((f) => fill(p + f))));
    const worst = slowest(texts);
    expect(worst.ms, `${reason}: ${JSON.stringify(worst.text.slice(0, 24))}…`).toBeLessThan(LIMIT_MS);
  }, 60_000);

  it("combinations: each pattern's fragments followed by another's, and all of them in turn", () => {
    const reasons = Object.keys(SAMPLES);
    const halves = reasons.map((r) => SAMPLES[r]![0]!.slice(0, Math.max(2, SAMPLES[r]![0]!.length >> 1)));
    const texts = halves.flatMap((a, i) => [fill(a + halves[(i + 1) % halves.length]!), fill(a + halves[(i + 7) % halves.length]! + " ")]);
    texts.push(fill(halves.join("")), fill(halves.join("_")), fill(reasons.flatMap((r) => SAMPLES[r]!).join("")));
    const worst = slowest(texts);
    expect(worst.ms, JSON.stringify(worst.text.slice(0, 24))).toBeLessThan(LIMIT_MS);
  }, 60_000);

  it("keys and values of a payload: 200 KB of them is redacted in linear time", () => {
    const started = performance.now();
    all.redact("args", { [fill("eyJ_")]: fill("eyJ-"), [fill("a@a.")]: [fill("glpat-"), fill("xoxb-")] });
    expect(performance.now() - started).toBeLessThan(4 * LIMIT_MS);
  });

  it("the test can fail: the JWT pattern as it was (look-behind blind to _ and -) is quadratic on a fifth of the input", () => {
    const old = /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
    const started = performance.now();
    fill("eyJ_").slice(0, HOSTILE_BYTES / 5).replace(old, "");
    expect(performance.now() - started).toBeGreaterThan(LIMIT_MS);
  }, 60_000);
});
