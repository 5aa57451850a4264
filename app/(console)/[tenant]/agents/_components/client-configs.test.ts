import { describe, expect, it } from "vitest";
import { clientConfigs, KEY_PLACEHOLDER } from "./client-configs";

const endpoint = "https://gw.example.com/t/acme/mcp";
const key = "gth_agt_example";
const byId = (url = endpoint, k = key) => Object.fromEntries(clientConfigs(url, k, "gatehouse-acme").map((c) => [c.id, c]));

describe("clientConfigs", () => {
  it("gives Claude Code and the Inspector one-line commands with the bearer header", () => {
    const c = byId();
    expect(c["claude-code"]!.code).toBe(`claude mcp add --transport http gatehouse-acme ${endpoint} --header "Authorization: Bearer ${key}"`);
    expect(c.inspector!.code).toBe(
      `npx @modelcontextprotocol/inspector --cli ${endpoint} --transport http --header "Authorization: Bearer ${key}" --method tools/list`,
    );
  });

  it("bridges Claude Desktop through mcp-remote, the key in env so its space survives", () => {
    const server = JSON.parse(byId()["claude-desktop"]!.code).mcpServers["gatehouse-acme"];
    expect(server).toEqual({
      command: "npx",
      args: ["-y", "mcp-remote", endpoint, "--header", "Authorization:${AUTH_HEADER}"],
      env: { AUTH_HEADER: `Bearer ${key}` },
    });
  });

  it("lets mcp-remote use plain HTTP only when the endpoint is not on this machine and not HTTPS", () => {
    const remote = JSON.parse(byId("http://gw.internal:3000/t/acme/mcp")["claude-desktop"]!.code).mcpServers["gatehouse-acme"];
    expect(remote.args).toContain("--allow-http");
    const local = JSON.parse(byId("http://127.0.0.1:3000/t/acme/mcp")["claude-desktop"]!.code).mcpServers["gatehouse-acme"];
    expect(local.args).not.toContain("--allow-http");
  });

  it("writes Cursor's mcpServers and VS Code's servers with an http entry", () => {
    const c = byId();
    expect(JSON.parse(c.cursor!.code)).toEqual({ mcpServers: { "gatehouse-acme": { url: endpoint, headers: { Authorization: `Bearer ${key}` } } } });
    expect(JSON.parse(c.vscode!.code)).toEqual({ servers: { "gatehouse-acme": { type: "http", url: endpoint, headers: { Authorization: `Bearer ${key}` } } } });
  });

  it("uses the placeholder verbatim when no key is known", () => {
    for (const c of clientConfigs(endpoint, KEY_PLACEHOLDER, "gatehouse-acme")) expect(c.code).toContain(`Bearer ${KEY_PLACEHOLDER}`);
  });
});
