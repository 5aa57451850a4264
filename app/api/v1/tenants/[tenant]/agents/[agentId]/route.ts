import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { deleteAgent, getAgent, updateAgent } from "@/lib/agents/agents";

const get = route(operations.getAgent, async ({ ctx, params }) => ({ agent: await getAgent(ctx, params.agentId!) }));

const patch = route(operations.updateAgent, async ({ ctx, params, body }) => ({ agent: await updateAgent(ctx, params.agentId!, body) }));

const remove = route(operations.deleteAgent, ({ ctx, params }) => deleteAgent(ctx, params.agentId!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PATCH: patch, DELETE: remove });
