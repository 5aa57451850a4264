import { listOf, mapOf, objectOf, T, type Type } from "./cel-types";

/**
 * What a condition can read, written once: the checker derives the variables'
 * types from it and the console's legend lists it.
 */
type Spec = { type: string; description: string } & ({ t: Type } | { fields: Record<string, Spec>; rest?: Type; list?: true });

const leaf = (t: Type, type: string, description: string): Spec => ({ t, type, description });
const str = (description: string) => leaf(T.string, "string", description);
const bool = (description: string) => leaf(T.bool, "bool", description);

const SPECS: Record<string, Spec> = {
  args: leaf(
    mapOf(T.string, T.json),
    "map(string, JSON)",
    "The call's arguments as the agent sent them, any key. Numbers are doubles: compare them freely (args.amount > 100), but in arithmetic write 2.0 or int(args.n). A missing key is an error, so guard optional ones, e.g. has(args.path) && args.path.startsWith('/tmp/')",
  ),
  tool: {
    type: "map",
    description: "The tool being called, e.g. tool.server == 'github' && tool.name.startsWith('delete_')",
    fields: {
      server: str("The server's name in Gatehouse, e.g. tool.server == 'github'"),
      name: str("The tool's name as its server lists it, e.g. tool.name.startsWith('delete_')"),
      title: str("The tool's title, '' when it has none, e.g. tool.title.contains('Admin')"),
      description: str("The tool's description, '' when it has none, e.g. tool.description.contains('deprecated')"),
      annotations: {
        type: "map(string, JSON)",
        description: "The tool's MCP annotations as its server declares them (hints, not guarantees), any key, e.g. has(tool.annotations.title)",
        rest: T.json,
        fields: {
          readOnlyHint: bool("The tool does not change anything; false when not declared, e.g. !tool.annotations.readOnlyHint"),
          destructiveHint: bool("The tool may destroy data; true when not declared (the MCP default), e.g. tool.annotations.destructiveHint == true"),
          idempotentHint: bool("Repeating the call has no further effect; false when not declared, e.g. tool.annotations.idempotentHint"),
          openWorldHint: bool("The tool reaches outside systems; true when not declared, e.g. tool.annotations.openWorldHint == false"),
        },
      },
    },
  },
  agent: {
    type: "map",
    description: "The agent making the call, e.g. agent.name != 'intern-bot'",
    fields: {
      id: str("The agent's id, e.g. agent.id == 'agt_123'"),
      name: str("The agent's name, e.g. agent.name.endsWith('-ci')"),
      labels: leaf(
        mapOf(T.string, T.string),
        "map(string, string)",
        "The agent's labels. A missing label is an error, so test first, e.g. 'team' in agent.labels && agent.labels.team == 'finance'",
      ),
    },
  },
  tenant: {
    type: "map",
    description: "The tenant the call belongs to, e.g. tenant.slug == 'acme'",
    fields: {
      id: str("The tenant's id, e.g. tenant.id == 'tnt_123'"),
      slug: str("The tenant's slug, e.g. tenant.slug == 'acme'"),
      name: str("The tenant's display name, e.g. tenant.name.startsWith('Acme')"),
    },
  },
  request: {
    type: "map",
    description: "The request carrying the call, e.g. request.source != ''",
    fields: {
      time: leaf(
        T.timestamp,
        "timestamp",
        "When the call arrived; read it in a time zone (getDayOfWeek counts from Sunday = 0), e.g. request.time.getDayOfWeek('Europe/Berlin') in [1, 2, 3, 4, 5] && request.time.getHours('Europe/Berlin') < 18",
      ),
      client: {
        type: "map",
        description: "The MCP client as it introduced itself, e.g. request.client.name == 'claude-code'",
        fields: {
          name: str("The client's name, '' if unknown, e.g. request.client.name == 'claude-code'"),
          version: str("The client's version, '' if unknown, e.g. request.client.version.startsWith('1.')"),
        },
      },
      source: str("The client's IP address, '' if unknown, e.g. request.source.startsWith('10.')"),
    },
  },
  session: {
    type: "map",
    description: "The agent's MCP session, e.g. session.calls.size() < 5",
    fields: {
      id: str("The session's id, '' outside a session, e.g. session.id != ''"),
      calls: {
        type: "list(map)",
        list: true,
        description: "This session's earlier tool calls, oldest first (at most the latest 100), e.g. session.calls.exists(c, c.tool == 'read_file')",
        fields: {
          server: str("The called tool's server, e.g. session.calls.exists(c, c.server == 'github')"),
          tool: str("The called tool's name on its server, e.g. session.calls.exists(c, c.tool == 'read_file')"),
          name: str("The name the agent used (server__tool), e.g. session.calls.exists(c, c.name == 'fs__read_file')"),
          decision: str("What Gatehouse decided: 'allow', 'deny' or 'require_approval', e.g. session.calls.filter(c, c.decision == 'deny').size() < 3"),
          at: leaf(T.timestamp, "timestamp", "When the call was made, e.g. session.calls.all(c, request.time - c.at < duration('1h'))"),
        },
      },
    },
  },
};

function typeOf(name: string, spec: Spec): Type {
  if ("t" in spec) return spec.t;
  const fields: Record<string, Type> = {};
  for (const [key, child] of Object.entries(spec.fields)) fields[key] = typeOf(`${name}.${key}`, child);
  const object = objectOf(spec.list ? `an element of ${name}` : name, fields, spec.rest);
  return spec.list ? listOf(object) : object;
}

/** The six variables a condition may read, with their static types. */
export const VARIABLE_TYPES: ReadonlyMap<string, Type> = new Map(Object.entries(SPECS).map(([name, spec]) => [name, typeOf(name, spec)]));

function* entries(name: string, spec: Spec): Generator<{ name: string; type: string; description: string }> {
  yield { name, type: spec.type, description: spec.description };
  if ("t" in spec) return;
  for (const [key, child] of Object.entries(spec.fields)) yield* entries(`${name}${spec.list ? "[]" : ""}.${key}`, child);
}

export const CONDITION_REFERENCE: { name: string; type: string; description: string }[] = Object.entries(SPECS).flatMap(([name, spec]) => [...entries(name, spec)]);
