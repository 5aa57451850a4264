import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { listApprovals } from "@/lib/approvals/queries";

const get = route(operations.listApprovals, async ({ ctx, req }) => ({
  approvals: await listApprovals(ctx, Object.fromEntries(new URL(req.url).searchParams)),
}));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
