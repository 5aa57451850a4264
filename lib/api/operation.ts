import type { z } from "zod";
import type { User } from "@/lib/auth/users";
import type { Permission } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { readJsonBody } from "./body";
import { errorResponse } from "./errors";
import { authenticate, tenantContextFor, type ApiPrincipal } from "./principal";
import { parseInput } from "@/lib/validation";
import { AppError } from "@/lib/errors";

/**
 * How an operation authenticates: `tenant` (user or token, scoped to the
 * `{tenant}` in the path), `principal` (user or token), `user` (console
 * session only), `none`.
 */
export type AuthMode = "tenant" | "principal" | "user" | "none";

export type Operation<A extends AuthMode = AuthMode, B extends z.ZodType | undefined = z.ZodType | undefined> = {
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI path below /api/v1, with `{param}` segments. */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  /** Documented here; enforced by the lib function the handler calls. */
  permission?: Permission;
  body?: B;
  /** Query parameters, documented here; the lib function the handler calls parses them. */
  query?: z.ZodObject;
  response?: z.ZodType;
  /** A file streamed instead of a JSON body (the handler returns the Response): each media type it may have, with what it holds. */
  file?: Record<string, string>;
  /** Success status; 204 operations return nothing. */
  status?: 200 | 201 | 204;
};

export function defineOperation<A extends AuthMode, B extends z.ZodType | undefined = undefined>(op: Operation<A, B>): Operation<A, B> {
  return op;
}

type AuthArgs<A extends AuthMode> = A extends "tenant"
  ? { ctx: TenantContext; principal: ApiPrincipal }
  : A extends "principal"
    ? { principal: ApiPrincipal }
    : A extends "user"
      ? { user: User }
      : object;

export type HandlerArgs<A extends AuthMode, B extends z.ZodType | undefined> = {
  req: Request;
  params: Record<string, string>;
  body: B extends z.ZodType ? z.output<B> : undefined;
} & AuthArgs<A>;

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * Turns an operation and its handler into a Next.js route handler:
 * authenticate → parse → call lib → respond, with every error translated once.
 */
export function route<A extends AuthMode, B extends z.ZodType | undefined>(
  op: Operation<A, B>,
  handler: (args: HandlerArgs<A, B>) => Promise<unknown>,
): (req: Request, context: RouteContext) => Promise<Response> {
  return async (req, context) => {
    try {
      const rawParams = (await context.params) ?? {};
      const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      const auth: Record<string, unknown> = {};
      if (op.auth !== "none") {
        const principal = await authenticate(req);
        if (op.auth === "user") {
          if (principal.kind !== "user") throw new AppError("forbidden", "This endpoint needs a console user; admin tokens act only within their tenant.");
          auth.user = principal.user;
        } else {
          auth.principal = principal;
          if (op.auth === "tenant") auth.ctx = await tenantContextFor(principal, params.tenant ?? "");
        }
      }
      // An operation whose body is optional may be called without one (no Content-Type, nothing sent).
      const bodiless = !req.headers.get("content-type") && !Number(req.headers.get("content-length") ?? 0) && op.body?.safeParse(undefined).success;
      const body = op.body ? parseInput(op.body, bodiless ? undefined : await readJsonBody(req)) : undefined;
      const result = await handler({ req, params, body, ...auth } as HandlerArgs<A, B>);
      if (result instanceof Response) return result;
      if (op.status === 204 || result === undefined) return new Response(null, { status: 204 });
      return Response.json(result, { status: op.status ?? 200, headers: { "cache-control": "no-store" } });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
type RouteHandler = (req: Request, context: RouteContext) => Promise<Response>;

/**
 * A route file's exports: its handlers, and for every other method a JSON 405
 * naming the allowed ones (Next would answer an empty 405).
 */
export function methods(handlers: Partial<Record<HttpMethod, RouteHandler>>): Record<HttpMethod, RouteHandler> {
  const allow = HTTP_METHODS.filter((m) => handlers[m]).join(", ");
  const notAllowed: RouteHandler = async (req) => {
    const response = errorResponse(new AppError("method_not_allowed", `${req.method} is not supported here; use ${allow}.`));
    response.headers.set("allow", allow);
    return response;
  };
  return Object.fromEntries(HTTP_METHODS.map((m) => [m, handlers[m] ?? notAllowed])) as Record<HttpMethod, RouteHandler>;
}
