import type { Plugin } from "graphql-yoga";
import { unavailableReason } from "../db/unavailable.ts";
import type { Logger } from "../logger.ts";
import { matchPath, type Route } from "./route.ts";
import { RouteParamError } from "./route-param-error.ts";
import type { GraphQLRunner, OperationFailure } from "./run-operation.ts";
import { REFUSAL_TEXT } from "../plugins/use-input-hygiene.ts";
import { type RejectedInput, SURFACES, type SurfaceErrors, surfaceOfPath } from "./surfaces.ts";
import { snakeCase } from "./body.ts";
import { LIMIT_CODES } from "../plugins/use-graphql-limits.ts";

/**
 * Serves the legacy REST paths inside the same Yoga server: match the route, parse its
 * parameters, run its GraphQL operation with the caller's credentials, reshape the result.
 * Client mistakes get the path's own error envelope; nothing unexpected leaks (500).
 */
export function useRestRoutes(options: { routes: Route[]; run: GraphQLRunner; logger: Logger }): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith("/api/")) return;
      const path = url.pathname.replace(/\/+$/, "");
      const candidates = options.routes.filter((r) => matchPath(r.path, path) !== null);
      // The family from the path as requested (as the edge and rate-limit plugins read it): /api/stats/ is Stats.
      const surface = SURFACES[surfaceOfPath(url.pathname)];
      if (candidates.length === 0) return endResponse(surface.notFound());
      const route = candidates.find((r) => r.method === request.method);
      if (!route) {
        const allow = candidates.map((r) => r.method).join(", ");
        const response = surface.methodNotAllowed(allow);
        response.headers.set("allow", allow);
        return endResponse(response);
      }
      endResponse(await handle(route, request, url, matchPath(route.path, path)!, options));
    },
  };
}

async function handle(
  route: Route,
  request: Request,
  url: URL,
  params: Record<string, string>,
  options: { run: GraphQLRunner; logger: Logger },
): Promise<Response> {
  const surface = SURFACES[route.surface];
  try {
    const variables = await route.variables(request, url, params);
    const result = await options.run(request, route.operation, variables);
    if (result.kind === "unauthenticated") return surface.unauthenticated(result.reason);
    if (result.kind === "failed") {
      const answer = failureResponse(surface, result);
      if (answer) return answer;
      throw new Error(`GraphQL operation failed (${result.status}): ${result.messages.join("; ")}`);
    }
    return route.respond(result.data, variables);
  } catch (err) {
    if (err instanceof RouteParamError) return surface.invalid(err);
    const unavailable = unavailableReason(err);
    if (unavailable) return surface.unavailable(unavailable);
    options.logger.error(
      { err: { message: (err as Error).message, stack: (err as Error).stack }, path: route.path },
      "REST route failed",
    );
    return surface.serverError();
  }
}

/** The inner GraphQL answer's client and load errors, in the path's own envelope; null for anything unexpected. */
function failureResponse(surface: SurfaceErrors, failure: OperationFailure): Response | null {
  const ext = failure.extensions;
  const retryAfter = typeof ext.retryAfter === "number" ? ext.retryAfter : 1;
  switch (failure.code) {
    case "RATE_LIMITED":
      return surface.rateLimited(retryAfter, failure.message);
    case "BUSY":
    case "IN_PROGRESS":
    case "SERVICE_UNAVAILABLE":
      return surface.unavailable({
        status: failure.status === 409 ? 409 : 503,
        code: failure.code,
        message: failure.message,
        retryAfterSeconds: retryAfter,
      });
    case "INVALID_INPUT": {
      const field = snakeCase(
        String(ext.field ?? "input")
          .split(".")
          .filter((p) => !/^\d+$/.test(p))
          .pop() ?? "input",
      );
      const code = (ext.reason as RejectedInput["code"] | undefined) ?? "malformed_text";
      return surface.rejectedInput({ field, code, message: `The ${field} field ${REFUSAL_TEXT[code]}.` });
    }
    case "FORBIDDEN":
      return surface.forbidden(failure.message);
  }
  // The caller's request made the operation too large (a page size it chose); anything else
  // that fails validation is our own operation's bug, a 500.
  if (failure.status === 400 && failure.code && LIMIT_CODES.has(failure.code))
    return surface.badRequest(failure.message, failure.code);
  return null;
}
