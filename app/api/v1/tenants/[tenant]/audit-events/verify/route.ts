import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { verifyAuditChain } from "@/lib/audit/verify";

const post = route(operations.verifyAuditChain, async ({ ctx, body }) => ({ report: await verifyAuditChain(ctx, { checkpoint: body?.checkpoint }) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
