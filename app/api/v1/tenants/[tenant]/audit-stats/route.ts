import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { auditStats } from "@/lib/audit/stats";

const get = route(operations.getAuditStats, async ({ ctx, req }) => ({ stats: await auditStats(ctx, Object.fromEntries(new URL(req.url).searchParams)) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
