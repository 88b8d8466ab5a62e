import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import { matchPath, type Route, RouteParamError } from "./route.ts";
import { SURFACES, surfaceOfPath } from "./surfaces.ts";
import { type GraphQLFetch, runOperation } from "./run-operation.ts";

/**
 * Serves the legacy REST paths inside the same Yoga server: match the route, parse its
 * parameters, run its GraphQL operation with the caller's credentials, reshape the result.
 * Client mistakes get the path's own error envelope; nothing unexpected leaks (500).
 */
export function useRestRoutes(options: { routes: Route[]; graphql: () => GraphQLFetch; logger: Logger }): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith("/api/")) return;
      const path = url.pathname.replace(/\/+$/, "");
      const candidates = options.routes.filter((r) => matchPath(r.path, path) !== null);
      const surface = SURFACES[surfaceOfPath(path)];
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
  options: { graphql: () => GraphQLFetch; logger: Logger },
): Promise<Response> {
  try {
    const variables = await route.variables(request, url, params);
    const result = await runOperation(options.graphql(), request, route.operation, variables);
    if (result.kind === "unauthenticated") return SURFACES[route.surface].unauthenticated(result.reason);
    if (result.kind === "failed") throw new Error(`GraphQL operation failed (${result.status}): ${result.messages.join("; ")}`);
    return route.respond(result.data, variables);
  } catch (err) {
    if (err instanceof RouteParamError) return SURFACES[route.surface].invalid(err);
    options.logger.error(
      { err: { message: (err as Error).message, stack: (err as Error).stack }, path: route.path },
      "REST route failed",
    );
    return SURFACES[route.surface].serverError();
  }
}
