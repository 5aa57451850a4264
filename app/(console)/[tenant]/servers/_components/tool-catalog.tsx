import { Badge } from "@/components/badge";
import { JsonBlock } from "@/components/json-block";
import { encodeName } from "@/lib/gateway/tool-names";
import type { CatalogTool } from "@/lib/registry/catalog";

const HINTS = [
  { key: "readOnlyHint", on: "read-only", tone: "success" },
  { key: "destructiveHint", on: "destructive", tone: "danger" },
  { key: "idempotentHint", on: "idempotent", tone: "neutral" },
  { key: "openWorldHint", on: "open world", tone: "neutral" },
] as const;

/** The stored tool catalog: what agents are served, each tool with its annotations, schemas and definition hash. */
export function ToolCatalog({ tools, namespace }: { tools: CatalogTool[]; namespace: string }) {
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
      {tools.map(({ name, definition, hash }) => {
        const annotations = definition.annotations ?? {};
        return (
          <li key={name} data-tool={name} className="px-5 py-4">
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <h3 className="font-mono text-sm font-semibold text-zinc-900 dark:text-zinc-100">{encodeName(namespace, name)}</h3>
              {annotations.title || definition.title ? (
                <span className="text-sm text-zinc-600 dark:text-zinc-400">{annotations.title ?? definition.title}</span>
              ) : null}
              <span className="flex flex-wrap gap-1.5">
                {HINTS.filter((h) => annotations[h.key] === true).map((h) => (
                  <Badge key={h.key} tone={h.tone}>
                    {h.on}
                  </Badge>
                ))}
                {annotations.readOnlyHint === false && annotations.destructiveHint === undefined ? <Badge tone="warning">writes</Badge> : null}
              </span>
              <code className="ml-auto font-mono text-xs text-zinc-500 dark:text-zinc-400" title={`sha256 of the full definition: ${hash}`}>
                <span className="sr-only">Definition hash </span>
                {hash.slice(0, 12)}
              </code>
            </div>
            {definition.description ? (
              <p className="mt-1 max-w-3xl text-sm whitespace-pre-line text-zinc-700 dark:text-zinc-300">{definition.description}</p>
            ) : (
              <p className="mt-1 text-sm text-zinc-500 italic dark:text-zinc-400">No description.</p>
            )}
            <div className="mt-2 flex flex-col gap-2">
              <details className="group">
                <summary className="w-fit text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">Input schema</summary>
                <JsonBlock value={definition.inputSchema} className="mt-2" label={`Input schema of ${name}`} />
              </details>
              {definition.outputSchema ? (
                <details>
                  <summary className="w-fit text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">Output schema</summary>
                  <JsonBlock value={definition.outputSchema} className="mt-2" label={`Output schema of ${name}`} />
                </details>
              ) : null}
              {Object.keys(annotations).length ? (
                <details>
                  <summary className="w-fit text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">Annotations</summary>
                  <JsonBlock value={annotations} className="mt-2" label={`Annotations of ${name}`} />
                </details>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
