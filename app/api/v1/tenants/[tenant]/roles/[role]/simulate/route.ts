import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { simulateCall } from "@/lib/policy/simulate";

const post = route(operations.simulateRole, async ({ ctx, params, body }) => ({ simulation: await simulateCall(ctx, params.role!, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
