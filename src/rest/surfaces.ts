import type { Unavailable } from "../db/unavailable.ts";
import { LEGACY_SERVER_ERROR, LEGACY_UNAUTHENTICATED, json, legacyError } from "./legacy-envelope.ts";
import type { RouteParamError } from "./route-param-error.ts";
import { STUDIO_AUTH_MESSAGES, studioError, studioServerError, VALIDATION_MESSAGE } from "./studio-envelope.ts";

type Reason = keyof typeof STUDIO_AUTH_MESSAGES;

/** A string argument refused at the edge: which field, why (a stable code), and a sentence. */
export type RejectedInput = { field: string; code: "control_characters" | "too_long" | "malformed_text"; message: string };

/** Each API's own error envelope: one place per API, used by the one router and the edge plugins. */
export type SurfaceErrors = {
  unauthenticated(reason: Reason): Response;
  invalid(err: RouteParamError): Response;
  /** 422 naming the field: control characters, over-long strings. */
  rejectedInput(input: RejectedInput): Response;
  /** 400: a request that cannot be read at all (bad escapes, query limits). */
  badRequest(message: string, code?: string): Response;
  forbidden(message: string): Response;
  notFound(): Response;
  methodNotAllowed(allow: string): Response;
  tooLarge(limitBytes: number): Response;
  rateLimited(retryAfterSeconds: number, message: string): Response;
  /** 409 (a busy wallet) or 503 (database unavailable), both with Retry-After. */
  unavailable(u: Unavailable): Response;
  serverError(): Response;
};

export const statsError = (status: number, error: string, message: string, extra: Record<string, unknown> = {}): Response =>
  json(status, { success: false, error, message, ...extra });

const retryAfter = (seconds: number) => ({ "retry-after": String(seconds) });
const tooLargeMessage = (limit: number) => `The request body is larger than ${limit} bytes.`;
const withHeaders = (response: Response, headers: Record<string, string>): Response => {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
};

export const SURFACES = {
  legacy: {
    unauthenticated: () => legacyError(401, LEGACY_UNAUTHENTICATED),
    invalid: (err) => legacyError(422, err.message),
    rejectedInput: (input) => legacyError(422, input.message),
    badRequest: (message) => legacyError(400, message),
    forbidden: (message) => legacyError(403, message),
    notFound: () => legacyError(404, "Not found."),
    methodNotAllowed: (allow) => legacyError(405, `Use ${allow}.`),
    tooLarge: (limit) => legacyError(413, tooLargeMessage(limit)),
    rateLimited: (seconds, message) => withHeaders(legacyError(429, message), retryAfter(seconds)),
    unavailable: (u) => withHeaders(legacyError(u.status, u.message), retryAfter(u.retryAfterSeconds)),
    serverError: () => legacyError(500, LEGACY_SERVER_ERROR),
  },
  studio: {
    unauthenticated: (reason) => studioError(401, reason, STUDIO_AUTH_MESSAGES[reason]),
    invalid: (err) => studioError(422, "validation_failed", VALIDATION_MESSAGE, err.details),
    rejectedInput: (input) => studioError(422, "validation_failed", VALIDATION_MESSAGE, { [input.field]: [input.code] }),
    badRequest: (message) => studioError(400, "bad_request", message),
    forbidden: (message) => studioError(403, "forbidden", message),
    notFound: () => studioError(404, "not_found", "Not found."),
    methodNotAllowed: (allow) => studioError(405, "method_not_allowed", `Use ${allow}.`),
    tooLarge: (limit) => studioError(413, "payload_too_large", tooLargeMessage(limit)),
    rateLimited: (seconds, message) =>
      json(429, { success: false, error: "rate_limit_exceeded", message, retry_after: seconds }, retryAfter(seconds)),
    // The Studio document: every 5xx reads "Server error".
    unavailable: (u) =>
      u.status === 503
        ? withHeaders(studioError(503, "service_unavailable", "Server error"), retryAfter(u.retryAfterSeconds))
        : withHeaders(studioError(409, u.code.toLowerCase(), u.message), retryAfter(u.retryAfterSeconds)),
    serverError: studioServerError,
  },
  stats: {
    unauthenticated: () =>
      statsError(401, "unauthorized", "Unauthorized: send a valid API token as Authorization: Bearer <token>."),
    invalid: (err) => statsError(400, "bad_request", err.message),
    rejectedInput: (input) => statsError(422, "unprocessable_entity", input.message, { field: input.field }),
    badRequest: (message) => statsError(400, "bad_request", message),
    forbidden: (message) => statsError(403, "forbidden", message),
    notFound: () => statsError(404, "not_found", "Not found."),
    methodNotAllowed: (allow) => statsError(405, "method_not_allowed", `Use ${allow}.`),
    tooLarge: (limit) => statsError(413, "payload_too_large", tooLargeMessage(limit)),
    rateLimited: (seconds, message) =>
      withHeaders(statsError(429, "rate_limit_exceeded", message, { retry_after: seconds }), retryAfter(seconds)),
    unavailable: (u) => withHeaders(statsError(u.status, u.code.toLowerCase(), u.message), retryAfter(u.retryAfterSeconds)),
    serverError: () => statsError(500, "server_error", "Internal server error."),
  },
} satisfies Record<string, SurfaceErrors>;

export type Surface = keyof typeof SURFACES;

export const surfaceOfPath = (path: string): Surface =>
  path.startsWith("/api/external/") ? "studio" : path.startsWith("/api/stats/") ? "stats" : "legacy";

const graphqlError = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}, headers = {}) =>
  json(status, { errors: [{ message, extensions: { code, ...extensions } }] }, headers);

/** The same answers in GraphQL's own envelope, for requests refused before GraphQL runs. */
export const GRAPHQL_EDGE: SurfaceErrors = {
  unauthenticated: (reason) => graphqlError(401, "UNAUTHENTICATED", STUDIO_AUTH_MESSAGES[reason], { reason }),
  invalid: (err) => graphqlError(400, "BAD_REQUEST", err.message),
  rejectedInput: (input) => graphqlError(422, "INVALID_INPUT", input.message, { field: input.field, reason: input.code }),
  badRequest: (message, code = "BAD_REQUEST") => graphqlError(400, code, message),
  forbidden: (message) => graphqlError(403, "FORBIDDEN", message),
  notFound: () => graphqlError(404, "NOT_FOUND", "Not found."),
  methodNotAllowed: (allow) => graphqlError(405, "METHOD_NOT_ALLOWED", `Use ${allow}.`),
  tooLarge: (limit) => graphqlError(413, "PAYLOAD_TOO_LARGE", tooLargeMessage(limit)),
  rateLimited: (seconds, message) => graphqlError(429, "RATE_LIMITED", message, { retryAfter: seconds }, retryAfter(seconds)),
  unavailable: (u) =>
    graphqlError(u.status, u.code, u.message, { retryAfter: u.retryAfterSeconds }, retryAfter(u.retryAfterSeconds)),
  serverError: () => graphqlError(500, "INTERNAL_SERVER_ERROR", "Unexpected error."),
};

/** The envelope a path answers in: its REST family under /api, GraphQL's elsewhere. */
export const errorsForPath = (path: string): SurfaceErrors =>
  path.startsWith("/api/") ? SURFACES[surfaceOfPath(path)] : GRAPHQL_EDGE;
