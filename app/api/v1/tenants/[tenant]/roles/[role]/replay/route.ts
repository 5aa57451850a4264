import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { replayCalls } from "@/lib/policy/replay";

const post = route(operations.replayRole, async ({ ctx, params, body }) => ({ replay: await replayCalls(ctx, params.role!, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
