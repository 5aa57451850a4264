import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { getApproval } from "@/lib/approvals/queries";

const get = route(operations.getApproval, async ({ ctx, params }) => ({ approval: await getApproval(ctx, params.approval!) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
