import type { z } from "zod";
import type { Ctx } from "../context";
import { currentCtx } from "./session";
import { enforce, type Access } from "./guard";
import { publicErrorResponse, toPublicError } from "./errors";
import { readJsonBody } from "./json-body";
import { requestMetaFrom } from "./request-meta";
import { assertNoControlChars } from "../validation";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export interface RouteSpec<S extends z.ZodType | undefined> {
  /** Stable name used in audit entries and the permission test, e.g. "GET /api/sessions". */
  name: string;
  access: Access;
  /**
   * Validates query parameters (GET/DELETE) or the body (POST/PUT/PATCH; application/json only, else 415), merged with
   * route params.
   */
  input?: S;
}

export type WrappedRoute = ((req: Request, context: RouteContext) => Promise<Response>) & {
  access: Access;
  routeName: string;
};

/**
 * Every route handler goes through here: authenticate → check the permission → validate input with zod →
 * run → map errors (internal messages never reach the client).
 */
export function route<S extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<S>,
  handler: (args: {
    ctx: Ctx;
    input: S extends z.ZodType ? z.infer<S> : undefined;
    req: Request;
  }) => Promise<Response | unknown>,
): WrappedRoute {
  const wrapped = async (req: Request, context: RouteContext): Promise<Response> => {
    let requestId = "unknown";
    try {
      const ctx = spec.access === "public" ? await currentCtx().catch(() => anonymousCtx(req)) : await currentCtx();
      requestId = ctx.request.requestId;
      await enforce(ctx, spec.access, spec.name);
      let input: unknown = undefined;
      if (spec.input) {
        const params = context?.params ? await context.params : {};
        const query = new URL(req.url).searchParams;
        const raw = ["GET", "HEAD", "DELETE"].includes(req.method)
          ? Object.fromEntries(query)
          : await readJsonBody(req);
        // Every query value counts, repeated ones and keys no schema reads included.
        for (const [k, v] of query) assertNoControlChars({ [k]: v });
        assertNoControlChars({ ...raw, ...params });
        input = spec.input.parse({ ...raw, ...params });
      }
      const out = await handler({ ctx, input: input as never, req });
      if (out instanceof Response) return out;
      return Response.json(out ?? { ok: true }, { headers: { "cache-control": "no-store" } });
    } catch (err) {
      const { status, body } = toPublicError(err, requestId);
      return Response.json(body, { status, headers: { "cache-control": "no-store" } });
    }
  };
  return Object.assign(wrapped, { access: spec.access, routeName: spec.name });
}

function anonymousCtx(req: Request): Ctx {
  return { actor: { type: "anonymous" }, request: requestMetaFrom(req.headers) };
}

const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * A route file's exports: its handlers, and for every other method a 405 in the public error shape with an Allow
 * header (Next.js answers an unexported method with an empty 405). HEAD and OPTIONS stay Next's: HEAD runs GET.
 *   export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: route(…) });
 */
export function routeMethods<C = RouteContext>(
  handlers: Partial<Record<RouteMethod, (req: Request, context: C) => Promise<Response>>>,
): Record<RouteMethod, (req: Request, context: C) => Promise<Response>> {
  const allow = ["OPTIONS", ...ROUTE_METHODS.filter((m) => handlers[m]), ...(handlers.GET ? ["HEAD"] : [])].join(", ");
  const refuse = refusal(405, "method_not_allowed", (m) => `${m} is not supported here.`, { allow });
  return Object.fromEntries(ROUTE_METHODS.map((m) => [m, handlers[m] ?? refuse])) as Record<
    RouteMethod,
    (req: Request, context: C) => Promise<Response>
  >;
}

/** An /api path that names no route handler: every method answers 404 in the public error shape. */
export function notFoundRoute(): Record<RouteMethod, (req: Request) => Promise<Response>> {
  const refuse = refusal(404, "not_found", () => "There is no such API endpoint.");
  return Object.fromEntries(ROUTE_METHODS.map((m) => [m, refuse])) as Record<RouteMethod, typeof refuse>;
}

/** A handler that only refuses; marked so the permission matrix knows it runs no verb and needs no access of its own. */
function refusal(
  status: number,
  code: "method_not_allowed" | "not_found",
  message: (method: string) => string,
  headers: Record<string, string> = {},
) {
  const refuse = async (req: Request) =>
    publicErrorResponse(
      status,
      { code, message: message(req.method), requestId: requestMetaFrom(req.headers).requestId },
      headers,
    );
  return Object.assign(refuse, { refusesOnly: true });
}
