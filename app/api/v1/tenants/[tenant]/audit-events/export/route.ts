import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { auditExportResponse, exportAuditEvents } from "@/lib/audit/export";

const get = route(operations.exportAuditEvents, async ({ ctx, req }) =>
  auditExportResponse(await exportAuditEvents(ctx, Object.fromEntries(new URL(req.url).searchParams))),
);

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
