import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { revokeAgentKey } from "@/lib/agents/keys";

const remove = route(operations.revokeAgentKey, ({ ctx, params }) => revokeAgentKey(ctx, params.agentId!, params.keyId!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ DELETE: remove });
