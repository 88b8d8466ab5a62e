import { LEGACY_SERVER_ERROR, LEGACY_UNAUTHENTICATED, json, legacyError } from "./legacy-envelope.ts";
import type { RouteParamError } from "./route.ts";
import { STUDIO_AUTH_MESSAGES, studioError, studioServerError, VALIDATION_MESSAGE } from "./studio-envelope.ts";

type Reason = keyof typeof STUDIO_AUTH_MESSAGES;

/** Each legacy API's own error envelope: one place per API, used by the one router. */
export type SurfaceErrors = {
  unauthenticated(reason: Reason): Response;
  invalid(err: RouteParamError): Response;
  notFound(): Response;
  methodNotAllowed(allow: string): Response;
  serverError(): Response;
};

export const statsError = (status: number, error: string, message: string): Response =>
  json(status, { success: false, error, message });

export const SURFACES = {
  legacy: {
    unauthenticated: () => legacyError(401, LEGACY_UNAUTHENTICATED),
    invalid: (err) => legacyError(422, err.message),
    notFound: () => legacyError(404, "Not found."),
    methodNotAllowed: (allow) => legacyError(405, `Use ${allow}.`),
    serverError: () => legacyError(500, LEGACY_SERVER_ERROR),
  },
  studio: {
    unauthenticated: (reason) => studioError(401, reason, STUDIO_AUTH_MESSAGES[reason]),
    invalid: (err) => studioError(422, "validation_failed", VALIDATION_MESSAGE, err.details),
    notFound: () => studioError(404, "not_found", "Not found."),
    methodNotAllowed: (allow) => studioError(405, "method_not_allowed", `Use ${allow}.`),
    serverError: studioServerError,
  },
  stats: {
    unauthenticated: () =>
      statsError(401, "unauthorized", "Unauthorized: send a valid API token as Authorization: Bearer <token>."),
    invalid: (err) => statsError(400, "bad_request", err.message),
    notFound: () => statsError(404, "not_found", "Not found."),
    methodNotAllowed: (allow) => statsError(405, "method_not_allowed", `Use ${allow}.`),
    serverError: () => statsError(500, "server_error", "Internal server error."),
  },
} satisfies Record<string, SurfaceErrors>;

export type Surface = keyof typeof SURFACES;

export const surfaceOfPath = (path: string): Surface =>
  path.startsWith("/api/external/") ? "studio" : path.startsWith("/api/stats/") ? "stats" : "legacy";
