import { expect, expectApiError, expectJson, OWNER, randomEmail, randomPassword, randomSlug, seedMember, seedTenant, test, trySignIn } from "./fixtures";

// The admin API over real HTTP against the built app. Each test seeds its own
// tenants and people; only the first owner (made by first-run.spec.ts) is shared.

/** Every operation the admin API documents: method, path below /api/v1, operationId. */
const OPERATIONS = [
  ["post", "/setup", "setup"],
  ["get", "/me", "getMe"],
  ["post", "/me/password", "changePassword"],
  ["get", "/console-roles", "listConsoleRoles"],
  ["get", "/tenants", "listTenants"],
  ["post", "/tenants", "createTenant"],
  ["get", "/tenants/{tenant}", "getTenant"],
  ["patch", "/tenants/{tenant}", "updateTenant"],
  ["get", "/tenants/{tenant}/members", "listMembers"],
  ["post", "/tenants/{tenant}/members", "addMember"],
  ["patch", "/tenants/{tenant}/members/{memberId}", "changeMemberRole"],
  ["delete", "/tenants/{tenant}/members/{memberId}", "removeMember"],
  ["get", "/tenants/{tenant}/invitations", "listInvitations"],
  ["delete", "/tenants/{tenant}/invitations/{invitationId}", "revokeInvitation"],
  ["post", "/invitations/{token}/accept", "acceptInvitation"],
  ["get", "/tenants/{tenant}/tokens", "listAdminTokens"],
  ["post", "/tenants/{tenant}/tokens", "createAdminToken"],
  ["delete", "/tenants/{tenant}/tokens/{tokenId}", "revokeAdminToken"],
  ["get", "/tenants/{tenant}/servers", "listServers"],
  ["post", "/tenants/{tenant}/servers", "createServer"],
  ["get", "/tenants/{tenant}/servers/{server}", "getServer"],
  ["patch", "/tenants/{tenant}/servers/{server}", "updateServer"],
  ["delete", "/tenants/{tenant}/servers/{server}", "deleteServer"],
  ["post", "/tenants/{tenant}/servers/{server}/test", "testServer"],
  ["get", "/tenants/{tenant}/servers/{server}/tools", "listServerTools"],
  ["get", "/tenants/{tenant}/agents", "listAgents"],
  ["post", "/tenants/{tenant}/agents", "createAgent"],
  ["get", "/tenants/{tenant}/agents/{agentId}", "getAgent"],
  ["patch", "/tenants/{tenant}/agents/{agentId}", "updateAgent"],
  ["delete", "/tenants/{tenant}/agents/{agentId}", "deleteAgent"],
  ["get", "/tenants/{tenant}/agents/{agentId}/keys", "listAgentKeys"],
  ["post", "/tenants/{tenant}/agents/{agentId}/keys", "createAgentKey"],
  ["delete", "/tenants/{tenant}/agents/{agentId}/keys/{keyId}", "revokeAgentKey"],
  ["get", "/tenants/{tenant}/roles", "listRoles"],
  ["post", "/tenants/{tenant}/roles", "createRole"],
  ["get", "/tenants/{tenant}/roles/{role}", "getRole"],
  ["put", "/tenants/{tenant}/roles/{role}", "putRole"],
  ["patch", "/tenants/{tenant}/roles/{role}", "updateRole"],
  ["delete", "/tenants/{tenant}/roles/{role}", "deleteRole"],
  ["get", "/tenants/{tenant}/audit-events", "listAuditEvents"],
  ["get", "/tenants/{tenant}/audit-events/{event}", "getAuditEvent"],
  ["get", "/tenants/{tenant}/audit-events/export", "exportAuditEvents"],
  ["get", "/tenants/{tenant}/audit-stats", "getAuditStats"],
  ["get", "/tenants/{tenant}/audit-settings", "getAuditSettings"],
  ["patch", "/tenants/{tenant}/audit-settings", "updateAuditSettings"],
  ["post", "/tenants/{tenant}/audit-events/verify", "verifyAuditChain"],
  ["get", "/tenants/{tenant}/audit-checkpoints", "listAuditCheckpoints"],
  ["post", "/tenants/{tenant}/audit-checkpoints", "createAuditCheckpoint"],
  ["post", "/tenants/{tenant}/roles/{role}/simulate", "simulateRole"],
  ["post", "/tenants/{tenant}/roles/{role}/replay", "replayRole"],
  ["get", "/tenants/{tenant}/approvals", "listApprovals"],
  ["get", "/tenants/{tenant}/approvals/{approval}", "getApproval"],
  ["post", "/tenants/{tenant}/approvals/{approval}/decision", "decideApproval"],
  ["get", "/tenants/{tenant}/webhook", "getWebhook"],
  ["put", "/tenants/{tenant}/webhook", "putWebhook"],
  ["delete", "/tenants/{tenant}/webhook", "deleteWebhook"],
  ["post", "/tenants/{tenant}/webhook/rotate-secret", "rotateWebhookSecret"],
  ["post", "/tenants/{tenant}/webhook/test", "sendTestWebhook"],
  ["get", "/tenants/{tenant}/webhook/deliveries", "listWebhookDeliveries"],
] as const;

type Tenant = { id: string; slug: string; name: string; role: string };
type Member = { id: string; userId: string; email: string; name: string; role: string };

test.describe("OpenAPI document", () => {
  test("is an OpenAPI 3.1 document listing every operation", async ({ request }) => {
    const doc = await expectJson<any>(await request.get("/api/v1/openapi.json"), 200);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe("string");
    expect(typeof doc.info?.version).toBe("string");
    expect(doc.paths).toBeTruthy();

    const found: string[] = [];
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith("/"), `path ${path} starts with /`).toBe(true);
      for (const [method, op] of Object.entries<any>(item)) {
        if (!["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(method)) continue;
        found.push(`${method} ${path} ${op.operationId}`);
        expect(ids.has(op.operationId), `operationId ${op.operationId} is unique`).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses ?? {}).length, `${op.operationId} documents its responses`).toBeGreaterThan(0);
        for (const status of Object.keys(op.responses)) expect(status).toMatch(/^[1-5]\d\d$|^default$/);
        // Every {param} in the path is declared as a required path parameter.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          const param = (op.parameters ?? []).find((p: any) => p.name === name && p.in === "path");
          expect(param?.required, `${op.operationId} declares path parameter ${name}`).toBe(true);
        }
        if (op.requestBody) expect(op.requestBody.content?.["application/json"]?.schema, `${op.operationId} body schema`).toBeTruthy();
      }
    }
    expect(found.sort()).toEqual(OPERATIONS.map(([m, p, id]) => `${m} ${p} ${id}`).sort());

    // Every $ref points at something the document defines.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"'.length, -1);
      expect(pointer.startsWith("#/"), `${pointer} is local`).toBe(true);
      const target = pointer
        .slice(2)
        .split("/")
        .reduce<any>((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      expect(target, `${pointer} resolves`).toBeTruthy();
    }
    // Authenticated operations name a security scheme the document defines.
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    expect(schemes.length).toBeGreaterThan(0);
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      }
    }
  });
});

test.describe("authentication", () => {
  test("no credentials → 401 JSON error with WWW-Authenticate", async ({ request }) => {
    for (const path of ["/api/v1/me", "/api/v1/tenants", `/api/v1/tenants/${OWNER.tenantSlug}/members`]) {
      const res = await request.get(path);
      await expectApiError(res, 401, "unauthorized");
      expect(res.headers()["www-authenticate"], `${path} WWW-Authenticate`).toMatch(/^Bearer /);
    }
    const post = await request.post("/api/v1/tenants", { data: { slug: randomSlug(), name: "Nope" } });
    await expectApiError(post, 401, "unauthorized");
  });

  test("a garbage bearer token → 401", async ({ request }) => {
    const res = await request.get("/api/v1/tenants", { headers: { authorization: "Bearer gth_adm_not-a-real-token" } });
    await expectApiError(res, 401, "unauthorized");
    expect(res.headers()["www-authenticate"]).toMatch(/^Bearer /);
  });

  test("a session user sees who they are and lists their tenants", async ({ ownerApi }) => {
    const me = await expectJson<{ kind: string; user: { email: string } }>(await ownerApi.get("/api/v1/me"), 200);
    expect(me.kind).toBe("user");
    expect(me.user.email).toBe(OWNER.email);
    const { tenants } = await expectJson<{ tenants: Tenant[] }>(await ownerApi.get("/api/v1/tenants"), 200);
    expect(tenants).toContainEqual(expect.objectContaining({ slug: OWNER.tenantSlug, role: "owner" }));
  });

  test("wrong password and unknown email are refused alike, with no hint", async ({ ownerApi, newApi }) => {
    const member = await seedMember(ownerApi, (await seedTenant(ownerApi)).slug, "viewer");
    const api = await newApi();
    const wrongPassword = await trySignIn(api, member.email, "not-the-password-at-all");
    const unknownEmail = await trySignIn(api, randomEmail("nobody"), "not-the-password-at-all");
    expect(wrongPassword).toEqual(unknownEmail);
    expect(wrongPassword.ok).toBe(false);
    await expectApiError(await api.get("/api/v1/me"), 401, "unauthorized");
  });

  test("repeated wrong passwords lock the account for a short, growing time", async ({ ownerApi, newApi }) => {
    const tenant = await seedTenant(ownerApi);
    const victim = await seedMember(ownerApi, tenant.slug, "viewer");
    const api = await newApi();
    for (let i = 1; i <= 5; i++) {
      const outcome = await trySignIn(api, victim.email, `wrong-password-${i}-xxxxxx`);
      expect(outcome.ok, `wrong attempt ${i}`).toBe(false);
    }
    // Locked now: even the right password is refused and no session is issued.
    const locked = await trySignIn(api, victim.email, victim.password);
    expect(locked.ok).toBe(false);
    expect(locked.ok === false && locked.code).toMatch(/^rate_limited/);
    await expectApiError(await api.get("/api/v1/me"), 401, "unauthorized");

    // The lock is time-limited: the right password works again a few seconds later.
    await expect
      .poll(async () => (await trySignIn(api, victim.email, victim.password)).ok, { timeout: 15_000, intervals: [1000] })
      .toBe(true);
    await expectJson(await api.get("/api/v1/me"), 200);
  });

  test("changing the password ends the old session", async ({ ownerApi, newApi }) => {
    const tenant = await seedTenant(ownerApi);
    const member = await seedMember(ownerApi, tenant.slug, "viewer");
    const api = await newApi(member);
    const newPassword = randomPassword();

    await expectApiError(
      await api.post("/api/v1/me/password", { data: { currentPassword: "not-my-current-password", newPassword } }),
      422,
      "validation_failed",
    );
    await expectJson(await api.get("/api/v1/me"), 200); // a failed change ends nothing

    const changed = await api.post("/api/v1/me/password", { data: { currentPassword: member.password, newPassword } });
    expect(changed.status(), await changed.text()).toBe(204);
    await expectApiError(await api.get("/api/v1/me"), 401, "unauthorized");

    const fresh = await newApi();
    expect((await trySignIn(fresh, member.email, member.password)).ok, "old password").toBe(false);
    expect((await trySignIn(fresh, member.email, newPassword)).ok, "new password").toBe(true);
    await expectJson(await fresh.get("/api/v1/me"), 200);
  });

  test("a cross-origin state change with a session cookie → 403, nothing created", async ({ ownerApi, baseURL }) => {
    const slug = randomSlug("csrf");
    const res = await ownerApi.post("/api/v1/tenants", { data: { slug, name: "Forged" }, headers: { origin: "https://evil.example" } });
    await expectApiError(res, 403, "forbidden");
    await expectApiError(await ownerApi.get(`/api/v1/tenants/${slug}`), 404, "not_found");

    // The same request from the app's own origin goes through.
    const same = await ownerApi.post("/api/v1/tenants", { data: { slug, name: "Legit" }, headers: { origin: baseURL! } });
    await expectJson(same, 201);
  });
});

test.describe("tenants", () => {
  test("create → 201; duplicate slug → 409 and nothing created", async ({ ownerApi }) => {
    const slug = randomSlug("dup");
    const created = await expectJson<{ tenant: Tenant }>(await ownerApi.post("/api/v1/tenants", { data: { slug, name: "First" } }), 201);
    expect(created.tenant).toMatchObject({ slug, name: "First", role: "owner" });
    expect(created.tenant.id).toMatch(/^tnt_/);

    const before = (await expectJson<{ tenants: Tenant[] }>(await ownerApi.get("/api/v1/tenants"), 200)).tenants;
    const dup = await ownerApi.post("/api/v1/tenants", { data: { slug, name: "Second" } });
    const error = await expectApiError(dup, 409, "conflict");
    expect(error.message).toContain(slug);
    const after = (await expectJson<{ tenants: Tenant[] }>(await ownerApi.get("/api/v1/tenants"), 200)).tenants;
    expect(after).toEqual(before);
    const { tenant } = await expectJson<{ tenant: Tenant }>(await ownerApi.get(`/api/v1/tenants/${slug}`), 200);
    expect(tenant.name).toBe("First");
  });

  test("reserved and malformed slugs → 422 with fields.slug", async ({ ownerApi }) => {
    for (const slug of ["api", "setup", "Not A Slug!", "x"]) {
      const res = await ownerApi.post("/api/v1/tenants", { data: { slug, name: "Reserved" } });
      const error = await expectApiError(res, 422, "validation_failed");
      expect(error.fields?.slug?.length, `fields.slug for "${slug}"`).toBeGreaterThan(0);
    }
    const { tenants } = await expectJson<{ tenants: Tenant[] }>(await ownerApi.get("/api/v1/tenants"), 200);
    expect(tenants.map((t) => t.slug)).not.toContain("api");
  });

  test("malformed JSON → 400; wrong content type → 415; empty body → 400", async ({ ownerApi }) => {
    const slug = randomSlug("bad");
    const malformed = await ownerApi.post("/api/v1/tenants", { data: Buffer.from(`{"slug": "${slug}", "name": `), headers: { "content-type": "application/json" } });
    await expectApiError(malformed, 400, "invalid_request");

    const form = await ownerApi.post("/api/v1/tenants", { form: { slug, name: "Form" } });
    await expectApiError(form, 415, "unsupported_media_type");

    const text = await ownerApi.post("/api/v1/tenants", { data: Buffer.from(JSON.stringify({ slug, name: "Text" })), headers: { "content-type": "text/plain" } });
    await expectApiError(text, 415, "unsupported_media_type");

    const empty = await ownerApi.post("/api/v1/tenants", { data: Buffer.alloc(0), headers: { "content-type": "application/json" } });
    await expectApiError(empty, 400, "invalid_request");

    await expectApiError(await ownerApi.get(`/api/v1/tenants/${slug}`), 404, "not_found");
  });

  test("unknown endpoints → 404 JSON", async ({ request, ownerApi }) => {
    for (const [method, path] of [
      ["GET", "/api/v1/no-such-thing"],
      ["POST", "/api/v1/no/such/thing"],
      ["DELETE", "/api/v1/tenantz"],
    ] as const) {
      const res = await request.fetch(path, { method });
      const error = await expectApiError(res, 404, "not_found");
      expect(error.message).toContain("openapi.json");
    }
    const deep = await ownerApi.get(`/api/v1/tenants/${OWNER.tenantSlug}/no-such-collection`);
    await expectApiError(deep, 404, "not_found");
  });

  test("a method an endpoint does not support → 405 JSON error", async ({ ownerApi }) => {
    for (const [method, path] of [
      ["DELETE", "/api/v1/tenants"],
      ["PUT", "/api/v1/tenants"],
      ["POST", "/api/v1/me"],
      ["GET", "/api/v1/setup"],
    ] as const) {
      const res = await ownerApi.fetch(path, { method });
      expect(res.status(), `${method} ${path}`).toBe(405);
      const body = await res.text();
      expect(res.headers()["content-type"] ?? "", `${method} ${path} answers JSON, got ${JSON.stringify(body)}`).toMatch(/^application\/json/);
      expect(JSON.parse(body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });
});

test.describe("members", () => {
  test("an invalid email on add member → 422 and nothing added", async ({ ownerApi }) => {
    const tenant = await seedTenant(ownerApi);
    for (const email of ["not-an-email", "", "a@b"]) {
      const res = await ownerApi.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email, role: "viewer" } });
      const error = await expectApiError(res, 422, "validation_failed");
      expect(error.fields?.email?.length, `fields.email for "${email}"`).toBeGreaterThan(0);
    }
    const badRole = await ownerApi.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email: randomEmail(), role: "emperor" } });
    expect((await expectApiError(badRole, 422, "validation_failed")).fields?.role?.length).toBeGreaterThan(0);

    const { members } = await expectJson<{ members: Member[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    expect(members).toHaveLength(1);
    const { invitations } = await expectJson<{ invitations: unknown[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/invitations`), 200);
    expect(invitations).toHaveLength(0);
  });

  test("adding an existing account makes them a member at once", async ({ ownerApi }) => {
    const first = await seedTenant(ownerApi);
    const second = await seedTenant(ownerApi);
    const person = await seedMember(ownerApi, first.slug, "viewer");
    const added = await expectJson<{ member?: Member; invitation?: unknown }>(
      await ownerApi.post(`/api/v1/tenants/${second.slug}/members`, { data: { email: person.email.toUpperCase(), role: "reviewer" } }),
      201,
    );
    expect(added.invitation).toBeUndefined();
    expect(added.member).toMatchObject({ userId: person.userId, role: "reviewer" });
    const again = await ownerApi.post(`/api/v1/tenants/${second.slug}/members`, { data: { email: person.email, role: "viewer" } });
    await expectApiError(again, 409, "conflict");
  });

  test("the last owner cannot be demoted or removed, and stays owner", async ({ ownerApi }) => {
    const tenant = await seedTenant(ownerApi);
    const { members } = await expectJson<{ members: Member[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    const owner = members.find((m) => m.email === OWNER.email)!;
    expect(owner.role).toBe("owner");

    const demote = await ownerApi.patch(`/api/v1/tenants/${tenant.slug}/members/${owner.id}`, { data: { role: "admin" } });
    const error = await expectApiError(demote, 409, "conflict");
    expect(error.message).toMatch(/last owner/i);
    const remove = await ownerApi.delete(`/api/v1/tenants/${tenant.slug}/members/${owner.id}`);
    await expectApiError(remove, 409, "conflict");

    const after = await expectJson<{ members: Member[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    expect(after.members.find((m) => m.id === owner.id)?.role).toBe("owner");
    const { tenant: mine } = await expectJson<{ tenant: Tenant }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}`), 200);
    expect(mine.role).toBe("owner");
  });

  test("an admin cannot touch owners; a second owner makes demotion possible", async ({ ownerApi, newApi }) => {
    const tenant = await seedTenant(ownerApi);
    const admin = await seedMember(ownerApi, tenant.slug, "admin");
    const adminApi = await newApi(admin);
    const { members } = await expectJson<{ members: Member[] }>(await adminApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    const owner = members.find((m) => m.email === OWNER.email)!;
    await expectApiError(await adminApi.patch(`/api/v1/tenants/${tenant.slug}/members/${owner.id}`, { data: { role: "viewer" } }), 403, "forbidden");
    await expectApiError(await adminApi.patch(`/api/v1/tenants/${tenant.slug}/members/${admin.membershipId}`, { data: { role: "owner" } }), 403, "forbidden");

    // The owner promotes the admin; now the original owner may step down.
    await expectJson(await ownerApi.patch(`/api/v1/tenants/${tenant.slug}/members/${admin.membershipId}`, { data: { role: "owner" } }), 200);
    const stepDown = await expectJson<{ member: Member }>(
      await ownerApi.patch(`/api/v1/tenants/${tenant.slug}/members/${owner.id}`, { data: { role: "admin" } }),
      200,
    );
    expect(stepDown.member.role).toBe("admin");
  });

  test("a removed member loses access on their very next request", async ({ ownerApi, newApi }) => {
    const tenant = await seedTenant(ownerApi);
    const member = await seedMember(ownerApi, tenant.slug, "admin");
    const memberApi = await newApi(member);
    await expectJson(await memberApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);

    const removed = await ownerApi.delete(`/api/v1/tenants/${tenant.slug}/members/${member.membershipId}`);
    expect(removed.status(), await removed.text()).toBe(204);

    await expectApiError(await memberApi.get(`/api/v1/tenants/${tenant.slug}/members`), 404, "not_found");
    await expectApiError(await memberApi.get(`/api/v1/tenants/${tenant.slug}`), 404, "not_found");
    await expectApiError(await memberApi.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email: randomEmail(), role: "viewer" } }), 404);
    const { tenants } = await expectJson<{ tenants: Tenant[] }>(await memberApi.get("/api/v1/tenants"), 200);
    expect(tenants.map((t) => t.slug)).not.toContain(tenant.slug);
    // Removing again: the membership is gone.
    await expectApiError(await ownerApi.delete(`/api/v1/tenants/${tenant.slug}/members/${member.membershipId}`), 404, "not_found");
  });
});

test.describe("isolation", () => {
  test("a non-member on another tenant's routes gets 404 and changes nothing", async ({ ownerApi, newApi }) => {
    const victim = await seedTenant(ownerApi, "Victim Inc");
    const victimMember = await seedMember(ownerApi, victim.slug, "viewer");
    const other = await seedTenant(ownerApi);
    const outsider = await seedMember(ownerApi, other.slug, "admin"); // an admin, but elsewhere
    const api = await newApi(outsider);

    const base = `/api/v1/tenants/${victim.slug}`;
    const attempts = [
      api.get(base),
      api.patch(base, { data: { name: "Pwned" } }),
      api.get(`${base}/members`),
      api.post(`${base}/members`, { data: { email: outsider.email, role: "owner" } }),
      api.post(`${base}/members`, { data: { email: randomEmail(), role: "admin" } }),
      api.patch(`${base}/members/${victimMember.membershipId}`, { data: { role: "admin" } }),
      api.delete(`${base}/members/${victimMember.membershipId}`),
      api.get(`${base}/invitations`),
      api.get(`${base}/tokens`),
      api.post(`${base}/tokens`, { data: { name: "stolen" } }),
    ];
    for (const res of await Promise.all(attempts)) await expectApiError(res, 404, "not_found");
    // A tenant that does not exist looks exactly the same.
    const ghost = await api.get(`/api/v1/tenants/${randomSlug("ghost")}`);
    const real = await api.get(base);
    expect(await ghost.json()).toEqual(await real.json());

    const { tenant } = await expectJson<{ tenant: Tenant }>(await ownerApi.get(base), 200);
    expect(tenant.name).toBe("Victim Inc");
    const { members } = await expectJson<{ members: Member[] }>(await ownerApi.get(`${base}/members`), 200);
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual([[OWNER.email, "owner"], [victimMember.email, "viewer"]].sort());
    const { invitations } = await expectJson<{ invitations: unknown[] }>(await ownerApi.get(`${base}/invitations`), 200);
    expect(invitations).toHaveLength(0);
    const { tokens } = await expectJson<{ tokens: unknown[] }>(await ownerApi.get(`${base}/tokens`), 200);
    expect(tokens).toHaveLength(0);
  });

  test("a viewer reads but cannot change anything (403)", async ({ ownerApi, newApi }) => {
    const tenant = await seedTenant(ownerApi);
    const viewer = await seedMember(ownerApi, tenant.slug, "viewer");
    const api = await newApi(viewer);
    await expectJson(await api.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    await expectApiError(await api.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email: randomEmail(), role: "viewer" } }), 403, "forbidden");
    await expectApiError(await api.patch(`/api/v1/tenants/${tenant.slug}`, { data: { name: "Renamed" } }), 403, "forbidden");
    await expectApiError(await api.post(`/api/v1/tenants/${tenant.slug}/tokens`, { data: { name: "mine" } }), 403, "forbidden");
    const { members } = await expectJson<{ members: Member[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/members`), 200);
    expect(members).toHaveLength(2);
  });
});

test.describe("admin tokens", () => {
  test("secret shown once; works as Bearer in its tenant only; revoked → 401", async ({ ownerApi, request }) => {
    const tenant = await seedTenant(ownerApi);
    const other = await seedTenant(ownerApi);

    const created = await expectJson<{ token: { id: string; name: string; role: string; displayPrefix: string }; secret: string }>(
      await ownerApi.post(`/api/v1/tenants/${tenant.slug}/tokens`, { data: { name: "CI deploy", role: "admin", expiresInDays: 30 } }),
      201,
    );
    expect(created.secret).toMatch(/^gth_adm_/);
    expect(created.token).toMatchObject({ name: "CI deploy", role: "admin" });
    expect(created.secret.startsWith(created.token.displayPrefix)).toBe(true);

    const listText = await (await ownerApi.get(`/api/v1/tenants/${tenant.slug}/tokens`)).text();
    expect(listText).not.toContain(created.secret);
    const { tokens } = JSON.parse(listText) as { tokens: Array<Record<string, unknown>> };
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ id: created.token.id, revokedAt: null });
    expect(Object.keys(tokens[0]!)).not.toContain("secret");

    const bearer = { authorization: `Bearer ${created.secret}` };
    const { members } = await expectJson<{ members: Member[] }>(await request.get(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer }), 200);
    expect(members.map((m) => m.email)).toContain(OWNER.email);
    const me = await expectJson<{ kind: string; token: { tenant: { slug: string } } }>(await request.get("/api/v1/me", { headers: bearer }), 200);
    expect(me.kind).toBe("token");
    expect(me.token.tenant.slug).toBe(tenant.slug);
    const { tenants } = await expectJson<{ tenants: Tenant[] }>(await request.get("/api/v1/tenants", { headers: bearer }), 200);
    expect(tenants.map((t) => t.slug)).toEqual([tenant.slug]);

    // Another tenant — even one the token's creator owns — is "not found" for the token.
    await expectApiError(await request.get(`/api/v1/tenants/${other.slug}/members`, { headers: bearer }), 404, "not_found");
    await expectApiError(await request.get(`/api/v1/tenants/${OWNER.tenantSlug}`, { headers: bearer }), 404, "not_found");
    // Tokens act only within their tenant: no creating tenants.
    await expectApiError(await request.post("/api/v1/tenants", { headers: bearer, data: { slug: randomSlug(), name: "By token" } }), 403, "forbidden");

    const revoked = await ownerApi.delete(`/api/v1/tenants/${tenant.slug}/tokens/${created.token.id}`);
    expect(revoked.status(), await revoked.text()).toBe(204);
    const after = await request.get(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer });
    await expectApiError(after, 401, "unauthorized");
    expect(after.headers()["www-authenticate"]).toMatch(/^Bearer /);
    const listed = await expectJson<{ tokens: Array<{ id: string; revokedAt: string | null }> }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/tokens`), 200);
    expect(listed.tokens.find((t) => t.id === created.token.id)?.revokedAt).toBeTruthy();
  });

  test("a viewer-role token reads but cannot add members (403)", async ({ ownerApi, request }) => {
    const tenant = await seedTenant(ownerApi);
    const { secret } = await expectJson<{ secret: string }>(
      await ownerApi.post(`/api/v1/tenants/${tenant.slug}/tokens`, { data: { name: "read only", role: "viewer" } }),
      201,
    );
    const bearer = { authorization: `Bearer ${secret}` };
    await expectJson(await request.get(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer }), 200);
    const denied = await request.post(`/api/v1/tenants/${tenant.slug}/members`, { headers: bearer, data: { email: randomEmail(), role: "viewer" } });
    await expectApiError(denied, 403, "forbidden");
    const { invitations } = await expectJson<{ invitations: unknown[] }>(await ownerApi.get(`/api/v1/tenants/${tenant.slug}/invitations`), 200);
    expect(invitations).toHaveLength(0);
  });

  test("a token cannot be created with the owner role", async ({ ownerApi }) => {
    const tenant = await seedTenant(ownerApi);
    const res = await ownerApi.post(`/api/v1/tenants/${tenant.slug}/tokens`, { data: { name: "too strong", role: "owner" } });
    expect((await expectApiError(res, 422, "validation_failed")).fields?.role?.length).toBeGreaterThan(0);
  });
});

test.describe("invitations", () => {
  test("an invitation link points at this server and works once", async ({ ownerApi, request, baseURL }) => {
    const tenant = await seedTenant(ownerApi);
    const email = randomEmail("invitee");
    const { invitation } = await expectJson<{ invitation: { token: string; url: string } }>(
      await ownerApi.post(`/api/v1/tenants/${tenant.slug}/members`, { data: { email, role: "auditor" } }),
      201,
    );
    // The link is for a person elsewhere: it must point at the address the API was called on.
    expect.soft(invitation.url).toBe(new URL(`/invite/${invitation.token}`, baseURL).toString());
    const weak = await request.post(`/api/v1/invitations/${invitation.token}/accept`, { data: { name: "Ivy", password: "short" } });
    expect((await expectApiError(weak, 422, "validation_failed")).fields?.password?.length).toBeGreaterThan(0);

    const ok = await expectJson<{ tenant: { slug: string } }>(
      await request.post(`/api/v1/invitations/${invitation.token}/accept`, { data: { name: "Ivy", password: randomPassword() } }),
      201,
    );
    expect(ok.tenant.slug).toBe(tenant.slug);
    const again = await request.post(`/api/v1/invitations/${invitation.token}/accept`, { data: { name: "Ivy", password: randomPassword() } });
    await expectApiError(again, 404, "not_found");
  });

  test("setup is refused once a user exists", async ({ request }) => {
    const res = await request.post("/api/v1/setup", {
      data: { name: "Mallory", email: randomEmail("mallory"), password: randomPassword(), tenantName: "Takeover", tenantSlug: randomSlug() },
    });
    await expectApiError(res, 409, "conflict");
  });
});

test("/api/health reports ok and the database driver", async ({ request }) => {
  const health = await expectJson<{ status: string; database: { status: string; driver: string } }>(await request.get("/api/health"), 200);
  expect(health.status).toBe("ok");
  expect(health.database.status).toBe("ok");
  expect(health.database.driver).toBe(process.env.TEST_DATABASE_URL ? "postgres" : "pglite");
});
