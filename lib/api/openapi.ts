import { z } from "zod";
import type { AuthMode, Operation } from "./operation";
import { operations } from "./operations";

const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "Stable machine-readable code, e.g. not_found, validation_failed" }),
    message: z.string().meta({ description: "What went wrong and what to do, for a person" }),
    fields: z.record(z.string(), z.array(z.string())).optional().meta({ description: "Per-field messages for validation_failed" }),
  }),
});

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function security(auth: AuthMode) {
  if (auth === "none") return [];
  if (auth === "user") return [{ session: [] }];
  return [{ adminToken: [] }, { session: [] }];
}

function describe(op: Operation) {
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    description: name === "tenant" ? "Tenant slug" : undefined,
  }));
  const query = op.query ? (jsonSchema(op.query, "input") as { properties?: Record<string, unknown>; required?: string[] }) : {};
  const queryParams = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: query.required?.includes(name) ?? false,
    schema,
  }));
  const responses: Record<string, unknown> = {
    [String(op.status ?? 200)]: op.file
      ? {
          description: "Success: a file, streamed",
          headers: { "Content-Disposition": { schema: { type: "string" }, description: "attachment, with the file's name" } },
          content: Object.fromEntries(Object.entries(op.file).map(([type, description]) => [type, { schema: { type: "string", description } }])),
        }
      : op.response
        ? { description: "Success", content: { "application/json": { schema: jsonSchema(op.response, "output") } } }
        : { description: "Success, no content" },
  };
  if (op.body) {
    responses["400"] = errorResponse("The body is not valid JSON");
    responses["415"] = errorResponse("The body is not JSON");
  }
  if (op.body || op.query) responses["422"] = errorResponse("The input failed validation; `fields` says which");
  if (op.auth !== "none") responses["401"] = errorResponse("No valid session or admin token");
  if (op.auth === "tenant" || op.auth === "user") responses["403"] = errorResponse("Your role does not allow this");
  if (op.auth === "tenant") responses["404"] = errorResponse("No such tenant or resource, or you are not a member");
  responses["409"] = op.method === "GET" ? undefined : errorResponse("The change conflicts with the current state");
  return {
    operationId: op.id,
    summary: op.summary,
    tags: [op.tag],
    ...(op.permission ? { description: `Requires the \`${op.permission}\` permission.` } : {}),
    security: security(op.auth),
    parameters: [...params, ...queryParams],
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } } : {}),
    responses: Object.fromEntries(Object.entries(responses).filter(([, v]) => v !== undefined)),
  };
}

/** The OpenAPI 3.1 document of the admin API, built from the same schemas that validate requests. */
export function buildOpenApiDocument(serverUrl = "/api/v1") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of Object.values(operations) as Operation[]) {
    (paths[op.path] ??= {})[op.method.toLowerCase()] = describe(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse admin API",
      version: "1",
      description: "Automation and config-as-code for Gatehouse tenants. Errors are `{ \"error\": { \"code\", \"message\" } }`.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, "output") },
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "A tenant admin token (gth_adm_…), created in Settings" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "A console session" },
      },
    },
  };
}
