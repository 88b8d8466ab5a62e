import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import { LEGACY_SERVER_ERROR, LEGACY_UNAUTHENTICATED, legacyError } from "./legacy-envelope.ts";
import { matchPath, type Route, RouteParamError, type Surface } from "./route.ts";
import { type GraphQLFetch, runOperation } from "./run-operation.ts";
import { STUDIO_AUTH_MESSAGES, studioError, studioServerError } from "./studio-envelope.ts";
import { VALIDATION_MESSAGE } from "./routes/studio.routes.ts";

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
      const surface: Surface = path.startsWith("/api/external/") ? "studio" : "legacy";
      if (candidates.length === 0) return endResponse(notFound(surface));
      const route = candidates.find((r) => r.method === request.method);
      if (!route) return endResponse(methodNotAllowed(surface, candidates));
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
    if (result.kind === "unauthenticated") {
      return route.surface === "studio"
        ? studioError(401, result.reason, STUDIO_AUTH_MESSAGES[result.reason])
        : legacyError(401, LEGACY_UNAUTHENTICATED);
    }
    if (result.kind === "failed") throw new Error(`GraphQL operation failed (${result.status}): ${result.messages.join("; ")}`);
    return route.respond(result.data, variables);
  } catch (err) {
    if (err instanceof RouteParamError) {
      return route.surface === "studio"
        ? studioError(422, "validation_failed", VALIDATION_MESSAGE, err.details)
        : legacyError(422, err.message);
    }
    options.logger.error(
      { err: { message: (err as Error).message, stack: (err as Error).stack }, path: route.path },
      "REST route failed",
    );
    return route.surface === "studio" ? studioServerError() : legacyError(500, LEGACY_SERVER_ERROR);
  }
}

const notFound = (surface: Surface) =>
  surface === "studio" ? studioError(404, "not_found", "Not found.") : legacyError(404, "Not found.");

function methodNotAllowed(surface: Surface, candidates: Route[]): Response {
  const allow = candidates.map((r) => r.method).join(", ");
  const response =
    surface === "studio" ? studioError(405, "method_not_allowed", `Use ${allow}.`) : legacyError(405, `Use ${allow}.`);
  response.headers.set("allow", allow);
  return response;
}
