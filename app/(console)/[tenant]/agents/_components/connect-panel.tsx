"use client";

import { CodeBlock } from "@/components/code-block";
import { CopyButton } from "@/components/copy-button";
import { Tabs } from "@/components/tabs";
import { clientConfigs, KEY_PLACEHOLDER } from "./client-configs";
import { useIssuedKey } from "./issued-key";

/**
 * How to point an MCP client at this tenant's endpoint as this agent. Uses
 * the key issued on this page view when there is one, a placeholder otherwise.
 */
export function ConnectPanel({ endpoint, serverName, canIssue }: { endpoint: string; serverName: string; canIssue: boolean }) {
  const { secret } = useIssuedKey();
  const configs = clientConfigs(endpoint, secret ?? KEY_PLACEHOLDER, serverName);

  return (
    <div className="space-y-5">
      <div>
        <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Endpoint</p>
        <div className="mt-1.5 flex flex-col gap-2 sm:flex-row sm:items-center">
          <code data-testid="mcp-endpoint" className="block min-w-0 flex-1 overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs whitespace-nowrap text-zinc-900 select-all dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100">
            {endpoint}
          </code>
          <CopyButton value={endpoint} label="Copy URL" />
        </div>
        <p className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400">
          MCP over streamable HTTP. Send the agent key as <code className="font-mono">Authorization: Bearer …</code>.
        </p>
      </div>

      <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
        {secret ? (
          <>The configurations below contain the key you just issued. Treat them like the key itself.</>
        ) : (
          <>
            Replace <code className="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">{KEY_PLACEHOLDER}</code> with a key of this agent
            {canIssue ? "; issue one above to have it filled in." : ". Owners and admins issue keys."}
          </>
        )}
      </p>

      <Tabs
        label="MCP client"
        items={configs.map((c) => ({
          id: c.id,
          label: c.label,
          content: (
            <div className="space-y-2">
              <CodeBlock code={c.code} title={c.file ?? "Terminal"} copyLabel="Copy" testId={`connect-${c.id}`} wrap={!c.file} />
              <p className="text-xs text-zinc-500 dark:text-zinc-400">{c.note}</p>
            </div>
          ),
        }))}
      />
    </div>
  );
}
