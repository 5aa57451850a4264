import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createAgent, listAgents } from "@/lib/agents/agents";

const get = route(operations.listAgents, async ({ ctx }) => ({ agents: await listAgents(ctx) }));

const post = route(operations.createAgent, async ({ ctx, body }) => ({ agent: await createAgent(ctx, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
