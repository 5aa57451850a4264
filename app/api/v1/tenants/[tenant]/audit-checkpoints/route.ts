import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { createCheckpoint, listCheckpoints } from "@/lib/audit/checkpoints";

const get = route(operations.listAuditCheckpoints, async ({ ctx }) => ({ checkpoints: await listCheckpoints(ctx) }));

const post = route(operations.createAuditCheckpoint, async ({ ctx }) => ({ checkpoint: await createCheckpoint(ctx) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get, POST: post });
