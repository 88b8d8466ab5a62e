import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Viewer } from "../modules/accounts/viewer.ts";
import { hashedKey, type LimitState, RateLimitedError, type RateLimits, type Tier } from "../limits/rate-limits.ts";
import type { RestOperationContext } from "../rest/run-operation.ts";
import { errorsForPath } from "../rest/surfaces.ts";
import { rootFieldNames, selectedOperation } from "./use-graphql-limits.ts";

/** 429 in GraphQL's envelope: extensions.code RATE_LIMITED and the seconds to wait. */
export const rateLimitedError = (err: RateLimitedError): GraphQLError =>
  new GraphQLError(err.message, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfter: err.retryAfterSeconds,
      http: { status: 429, headers: { "retry-after": String(err.retryAfterSeconds) } },
    },
  });

/** Whose budget a request spends: its token (hashed, so no lookup is needed), else its address. */
export function rateLimitIdentity(request: Request, clientAddress: string | null): string {
  const token = request.headers.get("x-api-key") ?? request.headers.get("authorization")?.replace(/^Bearer\s+/i, "");
  return token ? `tok:${hashedKey(token.trim())}` : `ip:${clientAddress ?? "unknown"}`;
}

/**
 * Per-token read and write tiers (the Studio API's figures by default). REST: GET reads,
 * POST/DELETE writes, one request one point, refused before the route runs. GraphQL: queries
 * read, mutations write (SERVICE tokens their own tier), one point per root field so
 * aliases count one each. Every REST and GraphQL response says where the caller stands in
 * X-RateLimit-Limit, -Remaining, -Reset and -Tier.
 */
export function useRateLimit(options: {
  limits: RateLimits;
  clientAddress: (request: Request) => string | null;
}): Plugin<{ viewer: Viewer | null; request: Request } & RestOperationContext> {
  const states = new WeakMap<Request, LimitState>();
  const { limits } = options;
  return {
    onRequest({ request, url, endResponse }) {
      if (!limits.enabled || !url.pathname.startsWith("/api/")) return;
      const tier: Tier = request.method === "GET" || request.method === "HEAD" ? "read" : "write";
      try {
        states.set(request, limits.consume(rateLimitIdentity(request, options.clientAddress(request)), tier, 1));
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        if (err.state) states.set(request, err.state);
        endResponse(errorsForPath(url.pathname).rateLimited(err.retryAfterSeconds, err.message));
      }
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const request = args.contextValue.request;
      // A REST route's operation: its request was counted as it arrived.
      if (!limits.enabled || args.contextValue.restOperation) return;
      const operation = selectedOperation(args.document, args.operationName ?? undefined);
      if (!operation) return;
      const viewer = args.contextValue.viewer;
      const tier: Tier = viewer?.role === "SERVICE" ? "service" : operation.operation === "query" ? "read" : "write";
      const points = Math.max(1, rootFieldNames(operation.selectionSet, args.document).length);
      try {
        states.set(request, limits.consume(rateLimitIdentity(request, options.clientAddress(request)), tier, points));
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        if (err.state) states.set(request, err.state);
        setResultAndStopExecution({ errors: [rateLimitedError(err)] });
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      response.headers.set("x-ratelimit-limit", String(state.limit));
      response.headers.set("x-ratelimit-remaining", String(state.remaining));
      response.headers.set("x-ratelimit-reset", String(state.resetSeconds));
      response.headers.set("x-ratelimit-tier", state.tier);
    },
  };
}
