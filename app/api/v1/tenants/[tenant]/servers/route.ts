import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createServer, listServers } from "@/lib/registry/servers";

const get = route(operations.listServers, async ({ ctx }) => ({ servers: await listServers(ctx) }));

const post = route(operations.createServer, async ({ ctx, body }) => ({ server: await createServer(ctx, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
