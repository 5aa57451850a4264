import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { getAuditSettings, updateAuditSettings } from "@/lib/audit/settings";

const get = route(operations.getAuditSettings, async ({ ctx }) => ({ settings: await getAuditSettings(ctx) }));

const patch = route(operations.updateAuditSettings, async ({ ctx, body }) => ({ settings: await updateAuditSettings(ctx, body) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, PATCH: patch });
