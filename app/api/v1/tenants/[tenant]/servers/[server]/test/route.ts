import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { testServer } from "@/lib/registry/catalog";

const post = route(operations.testServer, ({ ctx, params }) => testServer(ctx, params.server!));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });
