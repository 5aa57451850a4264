import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { deleteServer, getServer, updateServer } from "@/lib/registry/servers";

const get = route(operations.getServer, async ({ ctx, params }) => ({ server: await getServer(ctx, params.server!) }));

const patch = route(operations.updateServer, async ({ ctx, params, body }) => ({ server: await updateServer(ctx, params.server!, body) }));

const remove = route(operations.deleteServer, ({ ctx, params }) => deleteServer(ctx, params.server!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PATCH: patch, DELETE: remove });
