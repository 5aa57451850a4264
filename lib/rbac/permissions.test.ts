import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertCan, can, consoleRoles, PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, type Permission } from "./permissions";

const ALL = Object.keys(PERMISSIONS) as Permission[];
const WRITES: Permission[] = [
  "tenant.update",
  "members.write",
  "members.manage_owners",
  "tokens.write",
  "servers.write",
  "agents.write",
  "roles.write",
  "audit.settings",
];

describe("ROLE_PERMISSIONS", () => {
  it("pins every role's permissions", () => {
    const sorted = (ps: readonly Permission[]) => [...ps].sort();
    const readConfig = ["tenant.read", "members.read", "servers.read", "agents.read", "roles.read"];
    expect(sorted(ROLE_PERMISSIONS.owner)).toEqual(sorted(ALL));
    expect(sorted(ROLE_PERMISSIONS.admin)).toEqual(sorted(ALL.filter((p) => p !== "members.manage_owners" && p !== "audit.read_payloads")));
    expect(sorted(ROLE_PERMISSIONS.reviewer)).toEqual(sorted([...readConfig, "approvals.read", "approvals.decide", "audit.read"] as Permission[]));
    expect(sorted(ROLE_PERMISSIONS.auditor)).toEqual(sorted([...readConfig, "tokens.read", "approvals.read", "audit.read", "audit.export", "audit.read_payloads"] as Permission[]));
    expect(sorted(ROLE_PERMISSIONS.viewer)).toEqual(sorted([...readConfig, "approvals.read"] as Permission[]));
  });

  it("covers every console role, each with a description", () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...consoleRoles].sort());
    for (const role of consoleRoles) expect(ROLE_DESCRIPTIONS[role]).toMatch(/\S/);
  });

  it("names only known permissions, without duplicates", () => {
    for (const role of consoleRoles) {
      const perms = ROLE_PERMISSIONS[role];
      expect(new Set(perms).size, role).toBe(perms.length);
      for (const p of perms) expect(ALL, `${role}: ${p}`).toContain(p);
    }
  });

  it("names permissions resource.verb, each with a description", () => {
    for (const [p, description] of Object.entries(PERMISSIONS)) {
      expect(p).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(description).toMatch(/^[A-Z]/);
    }
  });

  it("gives the owner everything an admin has, and only the owner manages owners", () => {
    for (const p of ROLE_PERMISSIONS.admin) expect(can("owner", p), p).toBe(true);
    expect(consoleRoles.filter((r) => can(r, "members.manage_owners"))).toEqual(["owner"]);
  });

  it("gives every other role a subset of the admin's, but full audit payloads only to owners and auditors", () => {
    for (const role of ["reviewer", "auditor", "viewer"] as const) {
      for (const p of ROLE_PERMISSIONS[role]) if (p !== "audit.read_payloads") expect(can("admin", p), `${role}: ${p}`).toBe(true);
    }
    expect(consoleRoles.filter((r) => can(r, "audit.read_payloads"))).toEqual(["owner", "auditor"]);
  });

  it.each(["reviewer", "auditor", "viewer"] as const)("lets a %s change no configuration", (role) => {
    for (const p of WRITES) expect(can(role, p), p).toBe(false);
  });

  it("lets only owner, admin and reviewer decide approvals; only owner, admin and auditor export the audit log", () => {
    expect(consoleRoles.filter((r) => can(r, "approvals.decide"))).toEqual(["owner", "admin", "reviewer"]);
    expect(consoleRoles.filter((r) => can(r, "audit.export"))).toEqual(["owner", "admin", "auditor"]);
    expect(consoleRoles.filter((r) => can(r, "audit.read"))).toEqual(["owner", "admin", "reviewer", "auditor"]);
  });

  it("lets every role read the tenant", () => {
    for (const role of consoleRoles) expect(can(role, "tenant.read")).toBe(true);
  });
});

describe("assertCan", () => {
  it("passes silently when the role has the permission", () => {
    expect(() => assertCan({ role: "admin" }, "members.write")).not.toThrow();
  });

  it("throws a forbidden AppError naming the role and what it may not do", () => {
    let error: unknown;
    try {
      assertCan({ role: "viewer" }, "members.write");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "forbidden",
      status: 403,
      message: "Your role (viewer) does not allow this: invite members, change their roles, remove them.",
    });
  });

  it.each(consoleRoles.flatMap((role) => ALL.map((p) => [role, p] as const)))("agrees with can() for %s / %s", (role, p) => {
    if (can(role, p)) expect(() => assertCan({ role }, p)).not.toThrow();
    else expect(() => assertCan({ role }, p)).toThrow(AppError);
  });
});
