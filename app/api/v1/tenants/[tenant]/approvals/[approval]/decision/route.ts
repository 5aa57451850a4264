import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { decideApproval } from "@/lib/approvals/decide";

const post = route(operations.decideApproval, async ({ ctx, params, body }) => ({ approval: await decideApproval(ctx, params.approval!, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
