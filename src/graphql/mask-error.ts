import { GraphQLError } from "graphql";
import { maskError as yogaMaskError, type YogaServerOptions } from "graphql-yoga";
import { unavailableReason } from "../db/unavailable.ts";
import { RateLimitedError } from "../limits/rate-limits.ts";
import { rateLimitedError } from "../plugins/use-rate-limit.ts";
import { DomainError, ForbiddenError, NotFoundError } from "../modules/errors.ts";

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>["maskedErrors"], boolean | undefined>["maskError"]>;

/** The HTTP status of a domain error that reached the top level (a field without a typed union for it). */
export function statusOfDomainError(err: DomainError): number {
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  return 422;
}

/**
 * What leaves the process for an error no typed result caught: a domain error keeps its
 * message and code with a 4xx; contention and outages become 409/503 with Retry-After;
 * everything else is the generic masked 500 (details only in the log).
 */
export const maskError: MaskError = (error, message) => {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
  if (original instanceof GraphQLError) return original;
  if (original instanceof RateLimitedError) return rateLimitedError(original);
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      ...located,
      extensions: { code: original.code, http: { status: statusOfDomainError(original) } },
    });
  }
  const unavailable = unavailableReason(original);
  if (unavailable) {
    return new GraphQLError(unavailable.message, {
      ...located,
      extensions: {
        code: unavailable.code,
        retryAfter: unavailable.retryAfterSeconds,
        http: { status: unavailable.status, headers: { "retry-after": String(unavailable.retryAfterSeconds) } },
      },
    });
  }
  return yogaMaskError(error, message, false);
};
