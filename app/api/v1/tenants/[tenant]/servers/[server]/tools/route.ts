import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { listCatalog } from "@/lib/registry/catalog";

const get = route(operations.listServerTools, async ({ ctx, params }) => ({ tools: await listCatalog(ctx, params.server!) }));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ GET: get });
