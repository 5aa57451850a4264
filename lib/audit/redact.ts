import type { AuditFieldRule, AuditRedaction, AuditRedactionSettings, PiiDetector } from "@/db/schema";

/**
 * The redactor of stored audit payloads: what an agent sent and got back is
 * masked before it is written, inside strings and by field name. Secrets of
 * common providers are always masked; PII detectors and field rules are the
 * tenant's choice. Only the matched part of a string is replaced, by a marker
 * naming why (`[REDACTED:pii:email]`); the marker never holds the secret.
 *
 * It runs on every agent request, so the patterns are compiled once per
 * tenant snapshot, scanned in one pass per string, and anchored so a long
 * run of letters or digits costs linear time.
 */

/** The two payloads an event stores, and the roots of field-rule paths. */
export type PayloadRoot = "args" | "result";
export type PathSegment = { key: string } | { index: number } | { any: true };
export type FieldPath = { root: PayloadRoot; segments: PathSegment[] };

export type RedactOptions = {
  /**
   * Roughly how many characters of JSON to look at: past it, members are
   * dropped and long strings cut, and the outcome says `cut`. The caller
   * stores a preview of what is left, so work on a huge payload stays bounded.
   */
  budget?: number;
};

export type RedactionOutcome = { value: unknown; redactions: AuditRedaction[]; cut: boolean };

export type Redactor = {
  redact(root: PayloadRoot, value: unknown, options?: RedactOptions): RedactionOutcome;
  /**
   * One free text (an error message, a tool name) through the secret and PII
   * patterns; field rules do not apply. The text is first cut to `maxLength`
   * (default MAX_TEXT_LENGTH) characters, so the work is bounded whoever wrote it.
   */
  redactText(text: string, maxLength?: number): string;
};

export const MARKER_PREFIX = "[REDACTED:";
export const marker = (reason: string) => `${MARKER_PREFIX}${reason}]`;

/** At most this many redactions are listed per payload (all are masked). */
export const MAX_LISTED_REDACTIONS = 100;
/** What redactText keeps of a text unless told otherwise. */
export const MAX_TEXT_LENGTH = 10_000;
/** What is dropped from the end of a string cut by the budget: a secret cut in half could escape its pattern there. */
const CUT_TAIL_GUARD = 512;
const SHORTEST_MATCH = 6;

// ---------------------------------------------------------------------------
// Patterns inside strings

type Pattern = {
  reason: string;
  source: string;
  /** The capture group (counted inside `source`, from 1) that is masked, or groups of which the one that matched is; the whole match when absent. */
  mask?: number | number[];
  /** A check of the masked part: a match that fails it is no match. */
  valid?: (masked: string) => boolean;
  /** Existing markers are reported again but left as they are, so redacting twice gives the same record. */
  existing?: true;
};

// Linear time on hostile text (this runs on every agent request, on text the
// agent chooses). Backtracking turns quadratic when a match may start again
// inside what an earlier start already scanned and failed on (`eyJ_eyJ_…`):
// so every repeat is bounded, and a pattern whose repeat is followed by more
// pattern (which can fail) looks behind for every character its body can
// hold, so inside a run only the run's first position is a start. A pattern
// that ends in its repeat cannot fail once the repeat's minimum is met, so it
// costs no rescans. bounded-work tests pin each pattern against its own
// prefix fragments repeated.
//
// Provider keys whose body is letters and digits only may follow an
// underscore (`key_sk_live_…`): they look behind for a letter or digit.
const SECRET_PATTERNS: Pattern[] = [
  { reason: "existing", source: String.raw`\[REDACTED:([a-z_]{1,20}:[^\]\n]{1,100})\]`, existing: true },
  {
    // Once the header matched, this always matches (to the END line or the end of the text): no start rescans its body.
    reason: "secret:private_key",
    source: String.raw`-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)`,
  },
  {
    // The password may hold "@" (`postgres://u:p@ss@host`): the last "@" before the path ends it. A start needs "://",
    // which neither the user nor the password part can hold.
    reason: "secret:url_password",
    source: String.raw`(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/?#@"'<>\\]{0,200}:([^\s/?#"'<>\\]{1,200})@`,
    mask: 1,
  },
  { reason: "secret:jwt", source: String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{0,4096}` },
  { reason: "secret:aws_access_key", source: String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])` },
  {
    reason: "secret:aws_secret_key",
    source: String.raw`(?:aws_?secret_?(?:access_?)?key|AWS_SECRET_(?:ACCESS_)?KEY|[Ss]ecret_?[Aa]ccess_?[Kk]ey)\\?["']?[ \t]{0,8}[:=][ \t]{0,8}\\?["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
    mask: 1,
  },
  { reason: "secret:github_token", source: String.raw`(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})` },
  { reason: "secret:gitlab_token", source: String.raw`(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,255}` },
  { reason: "secret:slack_token", source: String.raw`(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,255}` },
  { reason: "secret:slack_webhook", source: String.raw`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{10,255}` },
  { reason: "secret:stripe_key", source: String.raw`(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}` },
  { reason: "secret:webhook_secret", source: String.raw`(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_-]{16,255}` },
  { reason: "secret:anthropic_key", source: String.raw`(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,255}` },
  { reason: "secret:openai_key", source: String.raw`(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,255}` },
  { reason: "secret:google_api_key", source: String.raw`(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}` },
  { reason: "secret:google_oauth_token", source: String.raw`(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,2048}` },
  { reason: "secret:sendgrid_key", source: String.raw`(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}` },
  { reason: "secret:npm_token", source: String.raw`(?<![A-Za-z0-9])npm_[A-Za-z0-9]{30,64}` },
  { reason: "secret:huggingface_token", source: String.raw`(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,64}` },
  { reason: "secret:twilio_key", source: String.raw`(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])` },
  { reason: "secret:gatehouse_key", source: String.raw`(?<![A-Za-z0-9])gth_[a-z]{2,5}_[A-Za-z0-9_-]{16,255}` },
  // Azure storage and service-bus connection strings, and SAS tokens in URLs.
  { reason: "secret:azure_key", source: String.raw`(?<![A-Za-z0-9])(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([^;\s"'<>\\]{8,2048})`, mask: 1 },
  { reason: "secret:url_signature", source: String.raw`(?<![A-Za-z0-9_-])(?:sig|[Xx]-[Aa]mz-[Ss]ignature|[Xx]-[Aa]mz-[Ss]ecurity-[Tt]oken|[Xx]-[Gg]oog-[Ss]ignature)=([^&\s"'<>#\\]{8,4096})`, mask: 1 },
  // An HTTP cookie header quoted in text: its whole value, to the end of the line (or of a quoted string).
  { reason: "secret:cookie", source: String.raw`(?<![A-Za-z0-9-])(?:[Ss]et-)?(?:[Cc]ookie|COOKIE):[ \t]{0,8}([^\r\n"\\]{1,4096})`, mask: 1 },
  {
    reason: "secret:authorization",
    source: String.raw`(?<![A-Za-z0-9])(?:[Pp]roxy-)?[Aa]uthorization\\?["']?[ \t]{0,8}[:=][ \t]{0,8}\\?["']?(?:(?:[Bb]asic|[Bb]earer|[Tt]oken|[Dd]igest)[ \t]{1,8})?([^\s"',;\\]{8,4096})`,
    mask: 1,
  },
  { reason: "secret:bearer", source: String.raw`(?<![A-Za-z0-9])[Bb]earer[ \t]{1,8}([A-Za-z0-9._~+/-]{16,4096}={0,2})`, mask: 1 },
  {
    // `password=…`, `DB_PASSWORD: …`, `dbPassword=…` (camelCase: a capitalised label may follow a lower-case word),
    // `"api_key": "…"`, and the same inside JSON quoted in a string (`\"password\":\"…\"`). A quoted value is masked
    // whatever its length; a bare one from 4 characters (shorter ones are rarely secrets and often words).
    reason: "secret:credential",
    source:
      String.raw`(?:(?<![A-Za-z0-9])(?:pass(?:word|wd|phrase)s?|pwd|secrets?|token|api_?keys?|client_?secret|access_?token|refresh_?token|access_?key|secret_?key|cookie)` +
      String.raw`|(?<![A-Z])(?:Pass(?:word|wd|phrase)s?|Pwd|Secrets?|Token|Api_?Keys?|API_?KEYS?|Client_?Secret|Access_?Token|Refresh_?Token|Access_?Key|Secret_?Key|Cookie)` +
      String.raw`|(?<![A-Za-z0-9])(?:PASS(?:WORD|WD|PHRASE)S?|PWD|SECRETS?|TOKEN|CLIENT_SECRET|ACCESS_TOKEN|REFRESH_TOKEN|ACCESS_KEY|SECRET_KEY|COOKIE))` +
      String.raw`\\?["']?[ \t]{0,8}[:=][ \t]{0,8}(?:\\?["']([^"'\\\r\n]{1,1024})|([^\s"'\\&,;<>]{4,1024}))`,
    mask: [1, 2],
  },
  {
    // `Basic dXNlcjpwYXNz` outside an Authorization header; only when it decodes to `user:password` (not "Basic information").
    reason: "secret:basic_auth",
    source: String.raw`(?<![A-Za-z0-9])[Bb]asic[ \t]{1,8}([A-Za-z0-9+/]{4,1024}={0,2})(?![A-Za-z0-9+/=])`,
    mask: 1,
    valid: isBasicCredentials,
  },
];

/** Why each secret pattern masks, in scan order (for tests that must cover every pattern). */
export const SECRET_PATTERN_REASONS: readonly string[] = SECRET_PATTERNS.filter((p) => !p.existing).map((p) => p.reason);

/** Base64 of printable `user:password`. */
function isBasicCredentials(encoded: string): boolean {
  if (encoded.length % 4 === 1) return false;
  const decoded = Buffer.from(encoded, "base64").toString("latin1");
  return decoded.length >= 3 && decoded.includes(":") && /^[\x20-\x7e]+$/.test(decoded);
}

const EMAIL: Pattern = {
  reason: "pii:email",
  source: String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?){0,20}\.[A-Za-z]{2,24}\b`,
};

/** Number-shaped PII: each candidate is checked before it is masked. */
type Checked = { detector: PiiDetector; reason: string; regex: RegExp; valid: (match: string) => boolean; prefilter: RegExp };

const CARD: Checked = {
  detector: "card",
  reason: "pii:card",
  regex: /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?!\w)/g,
  prefilter: /\d{4}/,
  valid: (m) => isCardNumber(m.replace(/[ -]/g, "")),
};
const IBAN: Checked = {
  detector: "iban",
  reason: "pii:iban",
  regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g,
  prefilter: /[A-Z]{2}\d{2}/,
  valid: (m) => isIban(m.replace(/ /g, "")),
};
const PHONE: Checked = {
  detector: "phone",
  reason: "pii:phone",
  // International (+country …) or North American (555) 123-4567 / 555-123-4567. Plain
  // digit runs (order ids, timestamps) and dates never match: a phone needs a + or that shape.
  regex: /(?<![\w+])\+(?:[1-9]\d{6,14}|[1-9]\d{0,3}(?:[ .-]\(?\d{1,10}\)?|\(\d{1,5}\)){1,6})(?!\w)|(?<![\w.+-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w]|[.-]\d)/g,
  prefilter: /\d{3}/,
  valid: (m) => {
    const digits = m.replace(/\D/g, "").length;
    return digits >= 8 && digits <= 15;
  },
};
const CHECKED: Checked[] = [CARD, IBAN, PHONE];

type CompiledScanner = { regex: RegExp; groups: { pattern: Pattern; group: number }[] };

function compileScanner(patterns: Pattern[]): CompiledScanner {
  let group = 1;
  const groups: CompiledScanner["groups"] = [];
  const parts: string[] = [];
  for (const pattern of patterns) {
    groups.push({ pattern, group });
    parts.push(`(${pattern.source})`);
    group += 1 + captureGroups(pattern.source);
  }
  return { regex: new RegExp(parts.join("|"), "g"), groups };
}

/** The part of a match a pattern masks: its (first matched) mask group; undefined for the whole match. */
function maskedPart(pattern: Pattern, m: RegExpExecArray, group: number): string | undefined {
  if (pattern.mask === undefined) return undefined;
  for (const g of typeof pattern.mask === "number" ? [pattern.mask] : pattern.mask) {
    const part = m[group + g];
    if (part !== undefined) return part;
  }
  return undefined;
}

function captureGroups(source: string): number {
  return new RegExp(`${source}|`).exec("")!.length - 1;
}

// ---------------------------------------------------------------------------
// Field names that hold secrets

/** Names whose value is a secret whatever its type (`api_key: 12345` too). Compared lower-case, without - _ space and dot. */
const SECRET_FIELDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "apikey",
  "xapikey",
  "authorization",
  "proxyauthorization",
  "privatekey",
  "clientsecret",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "sessiontoken",
  "authtoken",
  "cookie",
  "cookies",
  "setcookie",
  "credential",
  "credentials",
  "accesskey",
  "secretkey",
  "secretaccesskey",
  "awssecretaccesskey",
  "signingkey",
  "encryptionkey",
  "cvv",
  "cvc",
  "otp",
]);
const SECRET_FIELD_ENDINGS = ["password", "passwd", "passphrase", "secret", "apikey", "privatekey", "accesskey", "secretkey", "secretaccesskey"];
/**
 * Names that hold a secret when their value is text, and often something
 * else otherwise: `pass: true`, `pin: 3`, `session: {…}`, `max_tokens: 4096`,
 * `input_tokens: 12`. Any name ending in "token(s)" not listed above counts here.
 */
const TEXT_SECRET_FIELDS = new Set(["pass", "pin", "session", "tokens"]);

export type SecretFieldKind = "any" | "text";

/**
 * Whether an object member's name says its value is a secret (`password`,
 * `api_keys`, `clientSecret`, `X-Api-Key`, `secrets`, …): "any" value, or
 * only a "text" value (`session`, `github_token`); undefined when not.
 */
export function secretFieldKind(key: string): SecretFieldKind | undefined {
  if (key.length > 64) return undefined;
  const n = key.toLowerCase().replace(/[-_ .]/g, "");
  const strong = (name: string) => SECRET_FIELDS.has(name) || SECRET_FIELD_ENDINGS.some((end) => name.endsWith(end));
  // Plurals (`secrets`, `api_keys`) count, except of tokens: `tokens` is as often a count, or a tokenizer's output.
  if (strong(n) || (n.endsWith("s") && !n.endsWith("tokens") && strong(n.slice(0, -1)))) return "any";
  if (TEXT_SECRET_FIELDS.has(n) || n.endsWith("token") || n.endsWith("tokens")) return "text";
  return undefined;
}

/** Whether a member's name says any value of it is a secret (see secretFieldKind). */
export function isSecretFieldName(key: string): boolean {
  return secretFieldKind(key) === "any";
}

/** Whether a member's value is masked for its name: not when null, empty or yes/no ("was it set" stays visible). */
function isSecretMember(key: string, value: unknown): boolean {
  if (value === null || value === "" || typeof value === "boolean") return false;
  const kind = secretFieldKind(key);
  return kind === "any" || (kind === "text" && typeof value === "string");
}

// ---------------------------------------------------------------------------
// Field-rule paths

const NAME = /^[A-Za-z0-9_$-]+/;

/**
 * Parses a field-rule path: `args` or `result`, then `.name`, `[n]` or `[*]`
 * steps (`args.customer.ssn`, `result.content[*].text`, `args.items[0].card`).
 * Throws an Error whose message says what is wrong.
 */
export function parseFieldPath(path: string): FieldPath {
  const rootMatch = /^(args|result)(?=$|[.[])/.exec(path);
  if (!rootMatch) throw new Error('A path starts with "args" or "result", e.g. args.password or result.content[*].text.');
  const segments: PathSegment[] = [];
  let rest = path.slice(rootMatch[0].length);
  while (rest.length > 0) {
    if (rest.startsWith(".")) {
      const name = NAME.exec(rest.slice(1));
      if (!name) throw new Error(`After "." comes a field name (letters, digits, _ $ -): "${path}".`);
      segments.push({ key: name[0] });
      rest = rest.slice(1 + name[0].length);
    } else if (rest.startsWith("[")) {
      const step = /^\[(\*|\d{1,6})\]/.exec(rest);
      if (!step) throw new Error(`Inside [ ] comes an index or *, e.g. [0] or [*]: "${path}".`);
      segments.push(step[1] === "*" ? { any: true } : { index: Number(step[1]) });
      rest = rest.slice(step[0].length);
    } else {
      throw new Error(`Steps are .name, [n] or [*]: "${path}".`);
    }
    if (segments.length > 32) throw new Error("A path has at most 32 steps.");
  }
  return { root: rootMatch[1] as PayloadRoot, segments };
}

type RuleNode = { keys?: Map<string, RuleNode>; indexes?: Map<number, RuleNode>; any?: RuleNode; reason?: string };

function ruleTree(rules: AuditFieldRule[]): Record<PayloadRoot, RuleNode> {
  const roots: Record<PayloadRoot, RuleNode> = { args: {}, result: {} };
  for (const rule of rules) {
    let path: FieldPath;
    try {
      path = parseFieldPath(rule.path);
    } catch {
      // Rules are validated when saved; one that is not (written behind the app's back) is skipped, not fatal.
      console.warn("[audit] skipping an invalid redaction field rule");
      continue;
    }
    let node = roots[path.root];
    for (const s of path.segments) {
      if ("key" in s) node = getOrAdd((node.keys ??= new Map()), s.key);
      else if ("index" in s) node = getOrAdd((node.indexes ??= new Map()), s.index);
      else node = node.any ??= {};
    }
    node.reason ??= `rule:${rule.reason?.trim() || rule.path}`;
  }
  return roots;
}

function getOrAdd<K>(map: Map<K, RuleNode>, key: K): RuleNode {
  let node = map.get(key);
  if (!node) map.set(key, (node = {}));
  return node;
}

// ---------------------------------------------------------------------------
// The redactor

export const DEFAULT_REDACTION: AuditRedactionSettings = { detectors: ["email", "phone", "card", "iban"], fieldRules: [] };

/** Compiles a tenant's redaction settings once (per snapshot); the redactor is then cheap to run per request. */
export function compileRedactor(settings: AuditRedactionSettings = DEFAULT_REDACTION): Redactor {
  const detectors = new Set(settings.detectors);
  const scanner = compileScanner([...SECRET_PATTERNS, ...(detectors.has("email") ? [EMAIL] : [])]);
  const checked = CHECKED.filter((c) => detectors.has(c.detector));
  const rules = ruleTree(settings.fieldRules ?? []);
  const cards = detectors.has("card");
  return {
    redact(root, value, options = {}) {
      const walk = new Walk(scanner, checked, cards, options.budget ?? Infinity);
      const rootRules = rules[root];
      const path: (string | number)[] = [];
      let out: unknown;
      if (rootRules.reason) {
        walk.record(root, path, rootRules.reason);
        out = marker(rootRules.reason);
      } else {
        out = walk.value(value, root, path, hasRules(rootRules) ? [rootRules] : NO_RULES);
      }
      return { value: out, redactions: walk.redactions, cut: walk.cut };
    },
    redactText(text, maxLength = MAX_TEXT_LENGTH) {
      return new Walk(scanner, checked, cards, Infinity).value(cutText(text, maxLength), "text", [], NO_RULES) as string;
    },
  };
}

const SECRETS_ONLY = compileRedactor({ detectors: [], fieldRules: [] });

/**
 * A text with the secrets the redactor knows masked (provider keys, tokens,
 * URL passwords, signed-URL signatures, labelled credentials), and no PII
 * detector: for configuration shown in the audit log (a server's URL with
 * `?api_key=…`, a webhook URL), where an email address is not a secret.
 */
export function redactSecrets(text: string, maxLength = Infinity): string {
  return SECRETS_ONLY.redactText(text, maxLength);
}

const NO_RULES: RuleNode[] = [];
const hasRules = (n: RuleNode) => Boolean(n.keys || n.indexes || n.any);

class Walk {
  redactions: AuditRedaction[] = [];
  cut = false;
  private seen = new Set<string>();
  private used = 0;
  private collecting = false;
  private keyReasons: string[] = [];

  constructor(
    private scanner: CompiledScanner,
    private checked: Checked[],
    private cards: boolean,
    private budget: number,
  ) {}

  value(value: unknown, root: string, path: (string | number)[], rules: RuleNode[]): unknown {
    if (typeof value === "string") return this.string(value, root, path);
    if (typeof value === "number") {
      this.used += 8;
      return this.cards && Number.isSafeInteger(value) && Math.abs(value) >= 1e12 && isCardNumber(String(Math.abs(value)))
        ? this.mask(root, path, "pii:card")
        : value;
    }
    if (value === null || typeof value !== "object") {
      this.used += 5;
      return value;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        if (this.used > this.budget) {
          this.cut = true;
          break;
        }
        this.used += 1;
        path.push(i);
        const next = rules.length ? step(rules, i) : NO_RULES;
        const reason = ruleReason(next);
        out.push(reason ? this.mask(root, path, reason) : this.value(value[i], root, path, next));
        path.pop();
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      // A key is not cut (that could merge two): one longer than what is left of the budget ends the walk instead.
      if (this.used > this.budget || key.length > this.budget - this.used + 2 * CUT_TAIL_GUARD) {
        this.cut = true;
        break;
      }
      this.used += key.length + 4;
      // A key is the agent's text too (`{"ada@example.com": …}`, `{"sk_live_…": true}`): it is stored, and named in paths, masked.
      const stored = uniqueKey(out, key.length >= SHORTEST_MATCH ? this.maskKey(key, root, path) : key);
      path.push(stored);
      for (const why of this.keyReasons) this.record(root, path, why);
      this.keyReasons = [];
      const next = rules.length ? step(rules, key) : NO_RULES;
      const reason = ruleReason(next);
      let kept: unknown;
      if (reason) kept = this.mask(root, path, reason);
      else if (isSecretMember(key, member)) kept = this.mask(root, path, `field:${stored === key ? fieldLabel(key) : "masked key"}`);
      else kept = this.value(member, root, path, next);
      setMember(out, stored, kept);
      path.pop();
    }
    return out;
  }

  private string(text: string, root: string, path: (string | number)[]): string {
    let s = text;
    let cut = false;
    const room = this.budget - this.used + 2 * CUT_TAIL_GUARD;
    if (s.length > room) {
      s = cutText(s, Math.max(0, room));
      cut = true;
      this.cut = true;
    }
    this.used += s.length + 2;
    if (s.length >= SHORTEST_MATCH) s = this.scan(s, root, path);
    // jsonb cannot hold a NUL character; the stored copy gets a replacement character instead.
    if (s.includes("\u0000")) s = s.replace(/\u0000/g, "\ufffd");
    // Whatever the patterns could not see whole at the cut end is dropped.
    return cut ? cutText(s, s.length - CUT_TAIL_GUARD) : s;
  }

  private scan(text: string, root: string, path: (string | number)[]): string {
    const { regex, groups } = this.scanner;
    regex.lastIndex = 0;
    let out = "";
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(text)) !== null) {
      const hit = groups.find((g) => m![g.group] !== undefined)!;
      const { pattern } = hit;
      if (pattern.existing) {
        this.record(root, path, m[hit.group + 1]!);
        continue;
      }
      const part = maskedPart(pattern, m, hit.group);
      if (pattern.valid && !pattern.valid(part ?? m[0])) {
        // Not this pattern's after all: look again from the next character.
        regex.lastIndex = m.index + 1;
        continue;
      }
      this.record(root, path, pattern.reason);
      if (part === undefined) {
        out += text.slice(last, m.index) + marker(pattern.reason);
      } else {
        const whole = m[0];
        const at = m.index + whole.lastIndexOf(part);
        out += text.slice(last, at) + marker(pattern.reason);
        out += text.slice(at + part.length, m.index + whole.length);
      }
      last = m.index + m[0].length;
      if (m[0].length === 0) regex.lastIndex++;
    }
    let result = last === 0 ? text : out + text.slice(last);
    for (const c of this.checked) {
      if (!c.prefilter.test(result)) continue;
      c.regex.lastIndex = 0;
      result = result.replace(c.regex, (match) => {
        if (!c.valid(match)) return match;
        this.record(root, path, c.reason);
        return marker(c.reason);
      });
    }
    return result;
  }

  /** A key with its secrets and PII masked; why is kept in keyReasons, to be recorded at the masked key's own path. */
  private maskKey(key: string, root: string, path: (string | number)[]): string {
    this.collecting = true;
    try {
      return this.scan(key, root, path);
    } finally {
      this.collecting = false;
    }
  }

  private mask(root: string, path: (string | number)[], reason: string): string {
    this.record(root, path, reason);
    return marker(reason);
  }

  record(root: string, path: (string | number)[], reason: string): void {
    if (this.collecting) {
      this.keyReasons.push(reason);
      return;
    }
    if (this.redactions.length >= MAX_LISTED_REDACTIONS) return;
    const at = pathText(root, path);
    const key = `${at}\u0000${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.redactions.push({ path: at, reason });
  }
}

/** A masked key that collides with one already stored gets a number: `[REDACTED:pii:email] (2)`. */
function uniqueKey(out: Record<string, unknown>, key: string): string {
  if (!Object.prototype.hasOwnProperty.call(out, key)) return key;
  for (let n = 2; ; n++) {
    const numbered = `${key} (${n})`;
    if (!Object.prototype.hasOwnProperty.call(out, numbered)) return numbered;
  }
}

/** An own member even when it is named `__proto__` (plain assignment would set the copy's prototype and drop it). */
function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** A field name as a marker may hold it (no "]" or line break, which would end or break the marker). */
function fieldLabel(key: string): string {
  return key.replace(/[\]\r\n]/g, "_");
}

function step(rules: RuleNode[], at: string | number): RuleNode[] {
  const next: RuleNode[] = [];
  for (const node of rules) {
    const exact = typeof at === "number" ? node.indexes?.get(at) : node.keys?.get(at);
    if (exact) next.push(exact);
    if (node.any) next.push(node.any);
  }
  return next;
}

function ruleReason(nodes: RuleNode[]): string | undefined {
  for (const n of nodes) if (n.reason) return n.reason;
  return undefined;
}

/** The first `length` UTF-16 units of `text`, never splitting a surrogate pair (jsonb refuses a lone surrogate). */
export function cutText(text: string, length: number): string {
  if (length <= 0) return "";
  if (length >= text.length) return text;
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/** `args.customer.email`, `result.content[0].text`, `args["odd key"]`. */
export function pathText(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p.length > 64 ? `${p.slice(0, 64)}…` : p)}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Checks

/** A payment card number: 13–19 digits of a card network's ranges that pass the Luhn check. */
export function isCardNumber(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  const first = digits[0]!;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  // Networks: Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Diners 30/36/38/39, JCB 35, Discover/UnionPay/Maestro 5x/6x.
  if (first === "2") return digits.length === 16 && four >= 2221 && four <= 2720 && luhn(digits);
  const network = first === "4" || first === "5" || first === "6" || (first === "3" && [30, 34, 35, 36, 37, 38, 39].includes(two));
  return network && luhn(digits);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22,
  DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31,
  SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** An IBAN: a known country's length and the mod-97 check (ISO 7064) equal to 1. */
export function isIban(text: string): boolean {
  if (IBAN_LENGTHS[text.slice(0, 2)] !== text.length) return false;
  const rearranged = text.slice(4) + text.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}
