import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent } from "@/lib/agents/agents";
import { createAgentKey } from "@/lib/agents/keys";
import { createRole } from "@/lib/policy/roles";
import { refreshCatalog } from "@/lib/registry/catalog";
import { syncPlatformServers } from "@/lib/registry/platform-sync";
import { getServer, updateServer } from "@/lib/registry/servers";
import { stdioPid, stopAllStdio } from "@/lib/upstream/stdio-supervisor";
import { createTestTenant } from "@/test/factories";
import { connectAgent } from "@/test/gateway";
import type { TenantContext } from "@/lib/tenancy/context";
import { expectAppError } from "@/test/assertions";

let ctx: TenantContext;
let key: string;
let dir: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ctx = await createTestTenant();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-platform-"));
  const file = path.join(dir, "servers.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      servers: [
        {
          key: `fixture-${ctx.tenant.slug}`,
          tenants: [ctx.tenant.slug],
          name: "local-files",
          command: process.execPath,
          args: ["--import", "tsx", path.resolve("test/fixtures/upstream/stdio.ts")],
          cwd: process.cwd(),
        },
      ],
    }),
  );
  process.env.GATEHOUSE_PLATFORM_SERVERS = file;
  for (const s of await syncPlatformServers()) if (s.tenantId === ctx.tenant.id) await refreshCatalog(s.tenantId, s.serverId);
  await createRole(ctx, { name: "all", rules: [{ server: "*", pattern: "*", effect: "allow" }] });
  const agent = await createAgent(ctx, { name: "stdio-user", roles: ["all"] });
  key = (await createAgentKey(ctx, agent.id, {})).secret;
}, 60_000);

afterAll(async () => {
  await stopAllStdio();
  delete process.env.GATEHOUSE_PLATFORM_SERVERS;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a platform stdio server", () => {
  it("is registered in the tenants the operator named, with its catalog", async () => {
    const server = await getServer(ctx, "local-files");
    expect(server).toMatchObject({ source: "platform", transport: "stdio", url: null });
    expect(server.catalog.toolCount).toBeGreaterThan(0);
  });

  it("serves calls from one supervised process shared by all sessions", async () => {
    const a = await connectAgent(ctx.tenant.slug, key);
    const b = await connectAgent(ctx.tenant.slug, key);
    const [ra, rb] = await Promise.all([
      a.callTool({ name: "local-files__add", arguments: { a: 1, b: 2 } }),
      b.callTool({ name: "local-files__add", arguments: { a: 3, b: 4 } }),
    ]);
    expect(JSON.stringify(ra.content)).toContain("3");
    expect(JSON.stringify(rb.content)).toContain("7");
    const { key: platformKey } = { key: `fixture-${ctx.tenant.slug}` };
    expect(stdioPid(platformKey)).toBeGreaterThan(0);
    await a.close();
    await b.close();
  });

  it("is restarted when its process dies, and serves again", async () => {
    const platformKey = `fixture-${ctx.tenant.slug}`;
    const pid = stdioPid(platformKey)!;
    process.kill(pid, "SIGKILL");
    await waitFor(() => !alive(pid));
    await waitFor(() => (stdioPid(platformKey) ?? 0) > 0 && stdioPid(platformKey) !== pid);
    const client = await connectAgent(ctx.tenant.slug, key);
    const result = await client.callTool({ name: "local-files__echo", arguments: { text: "back" } });
    expect(JSON.stringify(result.content)).toContain("back");
    await client.close();
  });

  it("cannot be turned into another command or URL by the tenant", async () => {
    await expectAppError(updateServer(ctx, "local-files", { url: "http://127.0.0.1:1/mcp" }), "forbidden");
    await expectAppError(updateServer(ctx, "local-files", { transport: "sse" }), "forbidden");
    const updated = await updateServer(ctx, "local-files", { description: "Files on the platform host", timeoutMs: 5_000 });
    expect(updated.description).toBe("Files on the platform host");
  });

  it("leaves no process behind once stopped", async () => {
    const pid = stdioPid(`fixture-${ctx.tenant.slug}`)!;
    await stopAllStdio();
    await waitFor(() => !alive(pid));
  });
});
