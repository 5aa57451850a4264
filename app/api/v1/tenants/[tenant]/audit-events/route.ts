import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { listAuditEvents } from "@/lib/audit/queries";

const get = route(operations.listAuditEvents, ({ ctx, req }) => listAuditEvents(ctx, Object.fromEntries(new URL(req.url).searchParams)));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
