import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileRedactor, isCardNumber, isIban, isSecretFieldName, luhn, marker, parseFieldPath } from "./redact";

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
  ];
  it.each(cases)("%s", (_name, text, secret, reason) => {
    const { value, redactions } = args({ note: text });
    const out = (value as { note: string }).note;
    expect(out).toContain(marker(reason));
    expect(out).not.toContain(secret.slice(-12));
    expect(out).not.toContain(secret.slice(0, 12));
    expect(redactions).toEqual([{ path: "args.note", reason }]);
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

  it("does not take counts and ordinary names for secrets", () => {
    for (const name of ["max_tokens", "token_count", "input_tokens", "author", "secretary_name", "keyboard", "passenger"]) expect(isSecretFieldName(name), name).toBe(false);
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
