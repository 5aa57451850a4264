import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createAgentKey, listAgentKeys } from "@/lib/agents/keys";

const get = route(operations.listAgentKeys, async ({ ctx, params }) => ({ keys: await listAgentKeys(ctx, params.agentId!) }));

const post = route(operations.createAgentKey, ({ ctx, params, body }) => createAgentKey(ctx, params.agentId!, body));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
