import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { getAuditEvent } from "@/lib/audit/queries";

const get = route(operations.getAuditEvent, ({ ctx, params }) => getAuditEvent(ctx, params.event ?? ""));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
