import { and, eq, inArray, sql } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminToken } from "@/lib/admin-tokens/tokens";
import { sha256 } from "@/lib/crypto";
import { inTenant, transaction } from "@/lib/db";
import { newId } from "@/lib/ids";
import type { TenantContext } from "@/lib/tenancy/context";
import { addMember } from "@/lib/tenancy/members";
import { createTestMember, createTestTenant, randomEmail } from "@/test/factories";
import { connectAsSuperuser, isEmbedded } from "@/test/superuser";
import { getDatabase } from "./client";
import { adminTokens, invitations, memberships } from "./schema";

// Row-level security is the backstop behind the tenant scoping in lib/: even a
// query that forgets its tenant filter must see and change only the rows of
// the tenant its transaction acts for.

const TENANT_TABLES = ["memberships", "invitations", "admin_tokens"] as const;

type Tenant = { ctx: TenantContext; invitationToken: string; adminSecret: string; memberUserId: string };

async function populatedTenant(): Promise<Tenant> {
  const ctx = await createTestTenant();
  const member = await createTestMember(ctx, "viewer");
  const invited = await addMember(ctx, { email: randomEmail("invitee"), role: "viewer" });
  if (invited.kind !== "invitation") throw new Error("expected an invitation");
  const { secret } = await createAdminToken(ctx, { name: "rls" });
  return { ctx, invitationToken: invited.invitation.token, adminSecret: secret, memberUserId: member.user.id };
}

let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  [a, b] = await Promise.all([populatedTenant(), populatedTenant()]);
});

const pgCode = (e: unknown): string | undefined => {
  for (let cur = e as { code?: string; cause?: unknown } | undefined; cur; cur = cur.cause as typeof cur) if (cur.code) return cur.code;
  return undefined;
};

describe("the app's own connection", () => {
  it("runs as gatehouse_app, which is no superuser and cannot bypass row-level security", async () => {
    const { db } = await getDatabase();
    // Both drivers (node-postgres, PGlite) return the rows under `rows`.
    const result = (await db.execute(sql`select current_user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`)) as unknown as {
      rows: unknown[];
    };
    expect(result.rows).toEqual([{ current_user: "gatehouse_app", rolsuper: false, rolbypassrls: false }]);
  });

  it("sees no tenant-owned rows in a transaction that acts for no tenant", async () => {
    const ids = [a.ctx.tenant.id, b.ctx.tenant.id];
    const seen = await transaction({}, async (tx) => ({
      memberships: await tx.select().from(memberships).where(inArray(memberships.tenantId, ids)),
      invitations: await tx.select().from(invitations).where(inArray(invitations.tenantId, ids)),
      adminTokens: await tx.select().from(adminTokens).where(inArray(adminTokens.tenantId, ids)),
    }));
    expect(seen).toEqual({ memberships: [], invitations: [], adminTokens: [] });
  });

  it("sees only its tenant's rows even when a query forgets the tenant filter", async () => {
    const ids = [a.ctx.tenant.id, b.ctx.tenant.id];
    const tenantsSeen = await inTenant(a.ctx.tenant.id, async (tx) => [
      ...(await tx.select({ t: memberships.tenantId }).from(memberships).where(inArray(memberships.tenantId, ids))),
      ...(await tx.select({ t: invitations.tenantId }).from(invitations).where(inArray(invitations.tenantId, ids))),
      ...(await tx.select({ t: adminTokens.tenantId }).from(adminTokens).where(inArray(adminTokens.tenantId, ids))),
    ]);
    expect(tenantsSeen.length).toBe(4); // owner + member, one invitation, one token
    expect(new Set(tenantsSeen.map((r) => r.t))).toEqual(new Set([a.ctx.tenant.id]));
  });

  it("cannot write a row into another tenant, nor change or delete another tenant's rows", async () => {
    const attempt = inTenant(a.ctx.tenant.id, (tx) =>
      tx.insert(memberships).values({ id: newId("membership"), tenantId: b.ctx.tenant.id, userId: a.memberUserId, role: "owner" }),
    );
    await expect(attempt).rejects.toSatisfy((e) => pgCode(e) === "42501");

    const changed = await inTenant(a.ctx.tenant.id, async (tx) => ({
      updated: await tx.update(memberships).set({ role: "viewer" }).where(eq(memberships.tenantId, b.ctx.tenant.id)).returning(),
      deleted: await tx.delete(adminTokens).where(eq(adminTokens.tenantId, b.ctx.tenant.id)).returning(),
    }));
    expect(changed).toEqual({ updated: [], deleted: [] });
    const bRows = await inTenant(b.ctx.tenant.id, (tx) =>
      tx.select({ role: memberships.role }).from(memberships).where(eq(memberships.tenantId, b.ctx.tenant.id)),
    );
    expect(bRows.map((r) => r.role).sort()).toEqual(["owner", "viewer"]);
  });

  it("cannot move its own row into another tenant", async () => {
    const attempt = inTenant(a.ctx.tenant.id, (tx) =>
      tx.update(memberships).set({ tenantId: b.ctx.tenant.id }).where(and(eq(memberships.tenantId, a.ctx.tenant.id), eq(memberships.userId, a.memberUserId))),
    );
    await expect(attempt).rejects.toSatisfy((e) => pgCode(e) === "42501");
  });
});

describe.skipIf(isEmbedded())("as gatehouse_app on a raw connection", () => {
  let client: pg.Client;
  const count = async (table: string, tenantIds = [a.ctx.tenant.id, b.ctx.tenant.id]) =>
    Number((await client.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = any($1)`, [tenantIds])).rows[0]!.n);

  beforeAll(async () => {
    client = await connectAsSuperuser();
  });
  afterAll(async () => {
    await client.end();
  });

  it("the role has neither superuser nor BYPASSRLS, and the tables force row-level security", async () => {
    const role = await client.query("select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'gatehouse_app'");
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
    const tables = await client.query(
      "select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any($1) and relkind = 'r' order by relname",
      [TENANT_TABLES],
    );
    expect(tables.rows).toEqual(
      [...TENANT_TABLES].sort().map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })),
    );
    const owners = await client.query("select distinct tableowner from pg_tables where tablename = any($1)", [TENANT_TABLES]);
    expect(owners.rows.map((r) => r.tableowner)).not.toContain("gatehouse_app");
  });

  it("returns no rows without app.tenant_id, though the rows exist", async () => {
    for (const table of TENANT_TABLES) expect(await count(table)).toBeGreaterThan(0); // as superuser

    await client.query("set role gatehouse_app");
    try {
      for (const table of TENANT_TABLES) expect(await count(table), table).toBe(0);
      await client.query("select set_config('app.tenant_id', '', false)");
      for (const table of TENANT_TABLES) expect(await count(table), table).toBe(0);
    } finally {
      await client.query("reset role; reset all");
    }
  });

  it("returns only tenant A's rows with app.tenant_id = A", async () => {
    await client.query("set role gatehouse_app");
    try {
      await client.query("select set_config('app.tenant_id', $1, false)", [a.ctx.tenant.id]);
      expect(await count("memberships", [b.ctx.tenant.id])).toBe(0);
      expect(await count("invitations", [b.ctx.tenant.id])).toBe(0);
      expect(await count("admin_tokens", [b.ctx.tenant.id])).toBe(0);
      expect(await count("memberships", [a.ctx.tenant.id])).toBe(2);
      const all = await client.query("select distinct tenant_id from memberships union select distinct tenant_id from invitations union select distinct tenant_id from admin_tokens");
      expect(all.rows).toEqual([{ tenant_id: a.ctx.tenant.id }]);
    } finally {
      await client.query("reset role; reset all");
    }
  });

  it("rejects an INSERT for another tenant (WITH CHECK) and changes nothing there", async () => {
    const before = await count("memberships", [b.ctx.tenant.id]);
    await client.query("set role gatehouse_app");
    try {
      await client.query("select set_config('app.tenant_id', $1, false)", [a.ctx.tenant.id]);
      for (const [table, insert] of [
        ["memberships", "insert into memberships (id, tenant_id, user_id, role) values ($1, $2, $3, 'owner')"],
        ["invitations", "insert into invitations (id, tenant_id, email, role, token_hash, expires_at) values ($1, $2, $3, 'owner', md5($1), now() + interval '1 day')"],
        ["admin_tokens", "insert into admin_tokens (id, tenant_id, name, role, display_prefix, token_hash) values ($1, $2, $3, 'admin', 'x', md5($1))"],
      ] as const) {
        await expect(client.query(insert, [newId("membership"), b.ctx.tenant.id, a.memberUserId]), table).rejects.toMatchObject({
          code: "42501",
          message: expect.stringContaining(`new row violates row-level security policy for table "${table}"`),
        });
      }
      const updated = await client.query("update memberships set role = 'viewer' where tenant_id = $1", [b.ctx.tenant.id]);
      expect(updated.rowCount).toBe(0);
    } finally {
      await client.query("reset role; reset all");
    }
    expect(await count("memberships", [b.ctx.tenant.id])).toBe(before);
  });

  it("shows a user their own memberships across tenants by app.user_id, and nothing else", async () => {
    await client.query("set role gatehouse_app");
    try {
      await client.query("select set_config('app.user_id', $1, false)", [b.memberUserId]);
      const rows = await client.query("select tenant_id, user_id from memberships");
      expect(rows.rows).toEqual([{ tenant_id: b.ctx.tenant.id, user_id: b.memberUserId }]);
      expect(await count("invitations")).toBe(0);
      expect(await count("admin_tokens")).toBe(0);
      const updated = await client.query("update memberships set role = 'owner' where user_id = $1", [b.memberUserId]);
      expect(updated.rowCount).toBe(0);
    } finally {
      await client.query("reset role; reset all");
    }
  });

  it("shows the one invitation or token whose secret was presented, read-only", async () => {
    await client.query("set role gatehouse_app");
    try {
      await client.query("select set_config('app.secret_hash', $1, false)", [sha256(a.invitationToken)]);
      expect((await client.query("select tenant_id from invitations")).rows).toEqual([{ tenant_id: a.ctx.tenant.id }]);
      expect((await client.query("select id from admin_tokens")).rows).toEqual([]);
      expect((await client.query("update invitations set accepted_at = now()")).rowCount).toBe(0);

      await client.query("select set_config('app.secret_hash', $1, false)", [sha256(a.adminSecret)]);
      expect((await client.query("select tenant_id from admin_tokens")).rows).toEqual([{ tenant_id: a.ctx.tenant.id }]);
      expect((await client.query("update admin_tokens set revoked_at = now()")).rowCount).toBe(0);
    } finally {
      await client.query("reset role; reset all");
    }
  });

  it("cannot switch row-level security off", async () => {
    await client.query("set role gatehouse_app");
    try {
      await expect(client.query("alter table memberships disable row level security")).rejects.toMatchObject({ code: "42501" });
      await client.query("set row_security = off");
      await expect(client.query("select count(*) from memberships")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await client.query("reset role; reset all");
    }
  });
});
