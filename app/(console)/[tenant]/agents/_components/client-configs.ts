export const KEY_PLACEHOLDER = "<YOUR_AGENT_KEY>";

export type ClientConfig = { id: string; label: string; file?: string; code: string; note: string };

/**
 * Ready-to-paste configurations for common MCP clients, for one endpoint and
 * key. `serverName` is what the client calls the connection.
 */
export function clientConfigs(endpoint: string, key: string, serverName: string): ClientConfig[] {
  const bearer = `Bearer ${key}`;
  const url = safeUrl(endpoint);
  // mcp-remote refuses plain HTTP except to localhost unless told otherwise.
  const allowHttp = url?.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  const json = (value: unknown) => JSON.stringify(value, null, 2);

  return [
    {
      id: "claude-code",
      label: "Claude Code",
      code: `claude mcp add --transport http ${serverName} ${endpoint} --header "Authorization: ${bearer}"`,
      note: "Run in a terminal. Add --scope user to use it in every project, or --scope project to share it through .mcp.json.",
    },
    {
      id: "claude-desktop",
      label: "Claude Desktop",
      file: "claude_desktop_config.json",
      code: json({
        mcpServers: {
          [serverName]: {
            command: "npx",
            args: ["-y", "mcp-remote", endpoint, ...(allowHttp ? ["--allow-http"] : []), "--header", "Authorization:${AUTH_HEADER}"],
            env: { AUTH_HEADER: bearer },
          },
        },
      }),
      note: "Claude Desktop's config file starts local processes only, so mcp-remote (needs Node.js) bridges to the HTTP endpoint. The key goes through AUTH_HEADER because a space inside args is not passed intact. Settings → Developer → Edit Config opens the file; restart Claude Desktop after saving.",
    },
    {
      id: "cursor",
      label: "Cursor",
      file: "~/.cursor/mcp.json",
      code: json({ mcpServers: { [serverName]: { url: endpoint, headers: { Authorization: bearer } } } }),
      note: "Or .cursor/mcp.json in a project, to use it there only.",
    },
    {
      id: "vscode",
      label: "VS Code",
      file: ".vscode/mcp.json",
      code: json({ servers: { [serverName]: { type: "http", url: endpoint, headers: { Authorization: bearer } } } }),
      note: "In the workspace. Keys in a shared repository are readable by everyone with access to it; prefer the user configuration (MCP: Open User Configuration) for personal keys.",
    },
    {
      id: "inspector",
      label: "MCP Inspector",
      code: `npx @modelcontextprotocol/inspector --cli ${endpoint} --transport http --header "Authorization: ${bearer}" --method tools/list`,
      note: "Lists the tools this agent may use, to check the key and its roles. Try --method tools/call --tool-name <name> --tool-arg key=value next.",
    },
  ];
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
