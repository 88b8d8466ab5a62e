import type { Route } from "./route.ts";
import { SCHEMAS } from "./openapi-schemas.ts";
import type { Surface } from "./surfaces.ts";

/** Each API's error envelope, its credentials, and the statuses its paths can answer with besides 200. */
const SURFACE_DOCS: Record<Surface, { tag: string; error: string; security: string; statuses: number[] }> = {
  legacy: {
    tag: "Legacy apps",
    error: "LegacyError",
    security: "bearer",
    statuses: [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503],
  },
  studio: {
    tag: "Studio API",
    error: "StudioError",
    security: "apiKey",
    statuses: [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503],
  },
  stats: {
    tag: "Stats API",
    error: "StatsError",
    security: "bearer",
    statuses: [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503],
  },
};

const STATUS_TEXT: Record<number, string> = {
  400: "A request that cannot be read (bad percent-escapes, bad parameters on the Stats API).",
  401: "Missing, invalid, expired or revoked credentials (or a failed login).",
  403: "The token's role or the account's group position may not do this.",
  404: "Unknown path, or not the caller's.",
  405: "Wrong method for the path (see Allow).",
  409: "A busy wallet or an Idempotency-Key still in flight: retry after Retry-After.",
  413: "Body larger than the limit (1 MiB by default).",
  422: "Invalid parameters, a refused string, or a business rule (e.g. no available funds).",
  429: "Rate limited: retry after Retry-After.",
  500: "Unexpected: a fixed body, details only in the server's log.",
  503: "The database is unavailable: retry after Retry-After.",
};

const RETRY_STATUSES = new Set([409, 429, 503]);

/** `/api/user/linked-accounts/:childId` -> `/api/user/linked-accounts/{childId}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/**
 * The OpenAPI 3.1 document of the REST layer, generated from the route table: each route's
 * parameters, body and 200 body from its `doc`, its error answers and credentials from its surface.
 */
export function openApiDocument(routes: Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const surface = SURFACE_DOCS[r.surface];
    const pathParams = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      ...(r.doc.params?.[m[1]!] ?? { description: "An account id.", schema: { type: "integer", minimum: 1 } }),
    }));
    const query = Object.entries(r.doc.query ?? {}).map(([name, p]) => ({ name, in: "query", ...p }));
    const headers = Object.entries(r.doc.headers ?? {}).map(([name, p]) => ({ name, in: "header", ...p }));
    const statuses = surface.statuses.filter((s) => !(r.doc.public && s === 403));
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = {
      operationId: `${r.method.toLowerCase()}${openApiPath(r.path).replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string = "") => c.toUpperCase())}`,
      summary: r.doc.summary,
      ...(r.doc.description ? { description: r.doc.description } : {}),
      tags: [surface.tag],
      security: r.doc.public ? [] : [{ [surface.security]: [] }],
      parameters: [...pathParams, ...query, ...headers],
      ...(r.doc.body ? { requestBody: { required: true, content: { "application/json": { schema: r.doc.body } } } } : {}),
      responses: {
        200: {
          description: "Success.",
          headers: { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, ...rateLimitHeaders() },
          content: { [r.doc.responseType ?? "application/json"]: { schema: r.doc.response } },
        },
        ...Object.fromEntries(
          statuses.map((status) => [
            status,
            {
              description: STATUS_TEXT[status],
              ...(RETRY_STATUSES.has(status) ? { headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" } } } : {}),
              content: { "application/json": { schema: { $ref: `#/components/schemas/${surface.error}` } } },
            },
          ]),
        ),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Wallet gateway REST API",
      version,
      description:
        "The legacy REST paths, served by running GraphQL operations (the GraphQL API is at /graphql). " +
        "Amounts are integers in minor units (cents) unless a field says otherwise.",
    },
    servers: [{ url: "/" }],
    tags: Object.values(SURFACE_DOCS).map((s) => ({ name: s.tag })),
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer <token>" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "The Studio API's key (a token)." },
      },
      headers: {
        "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } },
        "X-Request-Id": {
          description: "The request's id (the caller's own when sane), in every log line.",
          schema: { type: "string" },
        },
        "X-RateLimit-Limit": { description: "Requests allowed in the tightest window.", schema: { type: "integer" } },
        "X-RateLimit-Remaining": { description: "Requests left in it.", schema: { type: "integer" } },
        "X-RateLimit-Reset": { description: "Seconds until it resets.", schema: { type: "integer" } },
      },
    },
  };
}

const rateLimitHeaders = () =>
  Object.fromEntries(
    ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"].map((h) => [h, { $ref: `#/components/headers/${h}` }]),
  );
