import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ClientCapabilities,
  type Prompt,
  type Resource,
  type ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import { mayBeAllowed, ruleLabel } from "@/lib/policy/decide";
import { agentError } from "@/lib/upstream/errors";
import type { RuleTarget } from "@/db/schema";
import { holdForApproval } from "./approval-gate";
import { audited, type AuditNote, type Caller } from "./audit-note";
import { decideCall, decideOther, denied, subjectOf } from "./decide-call";
import { forward, type AgentChannel, type Extra } from "./forward";
import { fanOut, listing, resolvePrompt, resourceOwner, templateOwner } from "./listings";
import { requestFromAgent } from "./live";
import { visibleTools, type SnapshotServer } from "./snapshot";
import { encodeName } from "./tool-names";

export const GATEWAY_INFO = { name: "gatehouse", version: "0.1.0" };

type SharedState = { validator?: AjvJsonSchemaValidator };
const shared: SharedState = ((globalThis as typeof globalThis & { __gatehouseValidator?: SharedState }).__gatehouseValidator ??= {});

const unknownTool = (name: string) => agentError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
const unknownPrompt = (name: string) => agentError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
const unknownResource = (uri: string) => agentError(-32002, `Resource not found: ${uri}`);

/** Whether a prompt or resource may be listed: some rule could let it through. */
function listable(caller: Caller, target: RuleTarget, server: SnapshotServer, name: string): boolean {
  return mayBeAllowed(caller.agent.rules, { target, server: server.name, name });
}

/** Whether this request for a prompt or resource is let through. */
function allowed(caller: Caller, target: RuleTarget, server: SnapshotServer, name: string, args: Record<string, unknown>): boolean {
  return decideOther(caller, { target, server: server.name, name }, args).effect === "allow";
}

/**
 * The MCP server one agent request is answered by: built per request (the
 * SDK's stateless pattern), with the agent's identity and the tenant's
 * snapshot handed in, so nothing about one request leaks into another.
 */
export function buildServer(caller: Caller): Server {
  shared.validator ??= new AjvJsonSchemaValidator();
  const server = new Server(GATEWAY_INFO, {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    },
    instructions: `Tools of ${caller.snapshot.tenant.name} through Gatehouse. Every call is checked against your access roles and audited.`,
    jsonSchemaValidator: shared.validator,
  });
  const sessionId = caller.session?.id ?? "";
  const capabilities = (caller.session?.clientCapabilities ?? {}) as ClientCapabilities;
  /** How a forwarded request reaches back to this agent: on the stream of the request it belongs to. */
  const channel = (extra: Extra): AgentChannel => ({
    sessionId,
    capabilities,
    request: (request, signal) =>
      requestFromAgent(sessionId, request, (message) => server.transport!.send(message, { relatedRequestId: extra.requestId }), signal),
    notify: (notification) => server.transport!.send({ jsonrpc: "2.0", ...notification }, { relatedRequestId: extra.requestId }),
  });

  server.setRequestHandler(ListToolsRequestSchema, (_req, extra) =>
    audited(caller, "tools/list", extra.requestId, async () => ({ tools: visibleTools(caller.snapshot, caller.agent) })),
  );

  server.setRequestHandler(CallToolRequestSchema, (req, extra) =>
    audited(caller, "tools/call", extra.requestId, async (note) => {
      const name = req.params.name;
      note.tool = name;
      note.arguments = req.params.arguments ?? {};
      const entry = caller.snapshot.tools.get(name);
      if (!entry) {
        note.decision = "denied";
        note.outcome = "denied";
        note.error = "no such tool";
        throw unknownTool(name);
      }
      note.server = entry.server.name;
      note.tool = entry.tool.name;
      const args = req.params.arguments ?? {};
      const decision = await decideCall(caller, entry, args);
      note.rule = decision.rule && ruleLabel(decision.rule);
      note.reason = decision.reason;
      if (decision.effect === "deny") {
        note.decision = "denied";
        note.outcome = "denied";
        note.error = decision.reason;
        // A tool the agent may never call looks exactly like one that does not exist;
        // one it may call under other conditions says why not.
        if (!mayBeAllowed(caller.agent.rules, subjectOf(entry))) throw unknownTool(name);
        return denied(decision);
      }
      if (decision.effect === "require_approval") {
        const gate = await holdForApproval(caller, entry, args, decision, extra, note, channel(extra));
        if (gate !== "run") return gate;
      } else {
        note.decision = "allowed";
      }
      return forward(
        entry.server.config,
        channel(extra),
        extra,
        note,
        (client, options) => client.callTool({ name: entry.tool.name, arguments: req.params.arguments }, CallToolResultSchema, options),
        req.params._meta?.progressToken,
      );
    }),
  );

  server.setRequestHandler(ListResourcesRequestSchema, (_req, extra) =>
    audited(caller, "resources/list", extra.requestId, async (note) => {
      const lists = await fanOut(caller, "resource", extra, (s) => listing(caller, s, "resources", extra));
      note.error = lists.errors.join(" ") || undefined;
      const resources = lists.results.flatMap(({ server, items }) => (items as Resource[]).filter((r) => listable(caller, "resource", server, r.uri)));
      return { resources };
    }),
  );

  server.setRequestHandler(ListResourceTemplatesRequestSchema, (_req, extra) =>
    audited(caller, "resources/templates/list", extra.requestId, async (note) => {
      const lists = await fanOut(caller, "resource", extra, (s) => listing(caller, s, "templates", extra));
      note.error = lists.errors.join(" ") || undefined;
      return { resourceTemplates: lists.results.flatMap(({ items }) => items as ResourceTemplate[]) };
    }),
  );

  /** The server a resource request goes to; a resource the agent may not use looks like one that does not exist. */
  const permittedOwner = async (uri: string, extra: Extra, note: AuditNote): Promise<SnapshotServer> => {
    note.tool = uri;
    const owner = await resourceOwner(caller, uri, extra);
    if (!owner || !allowed(caller, "resource", owner, uri, { uri })) {
      note.decision = "denied";
      note.outcome = "denied";
      throw unknownResource(uri);
    }
    note.server = owner.name;
    note.decision = "allowed";
    return owner;
  };

  server.setRequestHandler(ReadResourceRequestSchema, (req, extra) =>
    audited(caller, "resources/read", extra.requestId, async (note) => {
      const owner = await permittedOwner(req.params.uri, extra, note);
      return forward(owner.config, channel(extra), extra, note, (client, options) => client.readResource({ uri: req.params.uri }, options));
    }),
  );

  server.setRequestHandler(SubscribeRequestSchema, (req, extra) =>
    audited(caller, "resources/subscribe", extra.requestId, async (note) => {
      const owner = await permittedOwner(req.params.uri, extra, note);
      return forward(owner.config, channel(extra), extra, note, (client, options) => client.subscribeResource({ uri: req.params.uri }, options));
    }),
  );

  server.setRequestHandler(UnsubscribeRequestSchema, (req, extra) =>
    audited(caller, "resources/unsubscribe", extra.requestId, async (note) => {
      const owner = await permittedOwner(req.params.uri, extra, note);
      return forward(owner.config, channel(extra), extra, note, (client, options) => client.unsubscribeResource({ uri: req.params.uri }, options));
    }),
  );

  server.setRequestHandler(ListPromptsRequestSchema, (_req, extra) =>
    audited(caller, "prompts/list", extra.requestId, async (note) => {
      const lists = await fanOut(caller, "prompt", extra, (s) => listing(caller, s, "prompts", extra));
      note.error = lists.errors.join(" ") || undefined;
      const prompts = lists.results.flatMap(({ server, items }) =>
        (items as Prompt[]).filter((p) => listable(caller, "prompt", server, p.name)).map((p) => ({ ...p, name: encodeName(server.namespace, p.name) })),
      );
      return { prompts };
    }),
  );

  server.setRequestHandler(GetPromptRequestSchema, (req, extra) =>
    audited(caller, "prompts/get", extra.requestId, async (note) => {
      note.tool = req.params.name;
      note.arguments = req.params.arguments ?? {};
      const found = await resolvePrompt(caller, req.params.name, extra);
      if (!found || !allowed(caller, "prompt", found.server, found.name, req.params.arguments ?? {})) {
        note.decision = "denied";
        note.outcome = "denied";
        throw unknownPrompt(req.params.name);
      }
      note.server = found.server.name;
      note.tool = found.name;
      note.decision = "allowed";
      return forward(found.server.config, channel(extra), extra, note, (client, options) =>
        client.getPrompt({ name: found.name, arguments: req.params.arguments }, options),
      );
    }),
  );

  server.setRequestHandler(CompleteRequestSchema, (req, extra) =>
    audited(caller, "completion/complete", extra.requestId, async (note) => {
      const ref = req.params.ref;
      const empty = { completion: { values: [], hasMore: false } };
      if (ref.type === "ref/prompt") {
        const found = await resolvePrompt(caller, ref.name, extra);
        if (!found || !listable(caller, "prompt", found.server, found.name)) throw unknownPrompt(ref.name);
        note.server = found.server.name;
        note.tool = found.name;
        return forward(found.server.config, channel(extra), extra, note, (client, options) =>
          client.getServerCapabilities()?.completions ? client.complete({ ...req.params, ref: { type: "ref/prompt", name: found.name } }, options) : Promise.resolve(empty),
        );
      }
      const owner = await templateOwner(caller, ref.uri, extra);
      if (!owner) return empty;
      note.server = owner.name;
      note.tool = ref.uri;
      return forward(owner.config, channel(extra), extra, note, (client, options) =>
        client.getServerCapabilities()?.completions ? client.complete(req.params, options) : Promise.resolve(empty),
      );
    }),
  );

  server.setRequestHandler(SetLevelRequestSchema, (_req, extra) => audited(caller, "logging/setLevel", extra.requestId, async () => ({})));

  return server;
}
