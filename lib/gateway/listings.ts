import type { Prompt, Resource, ResourceTemplate } from "@modelcontextprotocol/sdk/types.js";
import { UriTemplate } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import type { RuleTarget } from "@/db/schema";
import type { Caller } from "./audit-note";
import { forward, type AgentChannel, type Extra } from "./forward";
import type { SnapshotServer } from "./snapshot";
import { encodeName } from "./tool-names";

/**
 * Resources, templates and prompts are not in the stored catalog: they are
 * asked of the upstreams (briefly cached per process), and a request naming
 * one is traced back to the server that offers it.
 */

/** May any of the agent's rules ever allow this kind of thing on this server? Saves asking upstreams for nothing. */
export function mayUse(caller: Caller, target: RuleTarget, server: SnapshotServer): boolean {
  return caller.agent.rules.some((r) => r.effect === "allow" && r.target === target && (r.server === "*" || r.server === server.name));
}

type Kind = "resources" | "templates" | "prompts";

/** Asks every permitted server at once; one that fails or hangs costs only its own part of the answer. */
export async function fanOut(caller: Caller, target: RuleTarget, _extra: Extra, list: (server: SnapshotServer) => Promise<unknown[]>) {
  const servers = caller.snapshot.servers.filter((s) => mayUse(caller, target, s));
  const settled = await Promise.allSettled(servers.map((s) => list(s)));
  const results: { server: SnapshotServer; items: unknown[] }[] = [];
  const errors: string[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") results.push({ server: servers[i]!, items: outcome.value });
    else errors.push(outcome.reason instanceof Error ? outcome.reason.message.replace(/^MCP error -?\d+: /, "") : String(outcome.reason));
  });
  return { results, errors };
}

const LISTING_TTL_MS = 30_000;
type ListingCache = Map<string, { at: number; items: Promise<unknown[]> }>;
const listings: ListingCache = ((globalThis as typeof globalThis & { __gatehouseListings?: ListingCache }).__gatehouseListings ??= new Map());

/** A server's resources, templates or prompts, cached briefly per process (they are not part of the stored catalog). */
export function listing(caller: Caller, server: SnapshotServer, kind: Kind, extra: Extra): Promise<unknown[]> {
  const key = `${server.config.id}|${server.config.version}|${kind}`;
  const hit = listings.get(key);
  if (hit && Date.now() - hit.at < LISTING_TTL_MS) return hit.items;
  const note = { decision: "none" as const };
  const agent: AgentChannel = { sessionId: caller.session?.id ?? "", capabilities: {}, request: () => Promise.reject(new Error("not relayed while listing")), notify: async () => {} };
  const items = forward<unknown[]>(server.config, agent, extra, note, async (client, options) => {
    const caps = client.getServerCapabilities() ?? {};
    const all: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      if (kind === "prompts") {
        if (!caps.prompts) return all;
        const r = await client.listPrompts({ cursor }, options);
        all.push(...r.prompts);
        cursor = r.nextCursor;
      } else if (kind === "resources") {
        if (!caps.resources) return all;
        const r = await client.listResources({ cursor }, options);
        all.push(...r.resources);
        cursor = r.nextCursor;
      } else {
        if (!caps.resources) return all;
        const r = await client.listResourceTemplates({ cursor }, options);
        all.push(...r.resourceTemplates);
        cursor = r.nextCursor;
      }
      if (!cursor) break;
    }
    return all;
  });
  listings.set(key, { at: Date.now(), items });
  items.catch(() => listings.delete(key));
  if (listings.size > 5_000) listings.clear();
  return items;
}

export async function resolvePrompt(caller: Caller, exposed: string, extra: Extra): Promise<{ server: SnapshotServer; name: string } | undefined> {
  for (const server of caller.snapshot.servers) {
    if (!mayUse(caller, "prompt", server)) continue;
    if (server.namespace && !exposed.startsWith(`${server.namespace}__`)) continue;
    const prompts = (await listing(caller, server, "prompts", extra).catch(() => [])) as Prompt[];
    const match = prompts.find((p) => encodeName(server.namespace, p.name) === exposed);
    if (match) return { server, name: match.name };
  }
  return undefined;
}

/** Which server a resource URI belongs to: the one that lists it, else the one whose template matches it. */
export async function resourceOwner(caller: Caller, uri: string, extra: Extra): Promise<SnapshotServer | undefined> {
  const candidates = caller.snapshot.servers.filter((s) => mayUse(caller, "resource", s));
  for (const server of candidates) {
    const resources = (await listing(caller, server, "resources", extra).catch(() => [])) as Resource[];
    if (resources.some((r) => r.uri === uri)) return server;
  }
  return templateOwner(caller, uri, extra);
}

export async function templateOwner(caller: Caller, uri: string, extra: Extra): Promise<SnapshotServer | undefined> {
  const candidates = caller.snapshot.servers.filter((s) => mayUse(caller, "resource", s));
  for (const server of candidates) {
    const templates = (await listing(caller, server, "templates", extra).catch(() => [])) as ResourceTemplate[];
    if (templates.some((t) => t.uriTemplate === uri || matchesTemplate(t.uriTemplate, uri))) return server;
  }
  return undefined;
}

function matchesTemplate(template: string, uri: string): boolean {
  try {
    return new UriTemplate(template).match(uri) !== null;
  } catch {
    return false;
  }
}
