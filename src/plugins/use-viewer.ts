import type { Plugin } from "graphql-yoga";
import type { TokenCache } from "../modules/accounts/token-cache.ts";
import type { Viewer } from "../modules/accounts/viewer.ts";
import { unauthenticated } from "../graphql/http-errors.ts";
import { RateLimitedError, type RateLimits } from "../limits/rate-limits.ts";
import { authenticate } from "./credentials.ts";
import { rateLimitedError } from "./use-rate-limit.ts";

/**
 * Puts `viewer` (and the client's address) on the GraphQL context. A presented but invalid,
 * revoked or expired token fails the whole request with 401, and counts against the
 * client's address: past the limit of bad tokens, tokens from there are not even looked up
 * (429). No token means an anonymous viewer (fields that need one answer 401 through their
 * auth scopes).
 */
export function useViewer(options: {
  tokens: TokenCache;
  rateLimits: RateLimits;
  clientAddress: (request: Request) => string | null;
}): Plugin<{ viewer: Viewer | null; request: Request; clientAddress: string | null }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const headers = context.request.headers;
      const clientAddress = options.clientAddress(context.request);
      if (headers.has("authorization") || headers.has("x-api-key")) {
        try {
          options.rateLimits.beforeToken(clientAddress);
        } catch (err) {
          throw err instanceof RateLimitedError ? rateLimitedError(err) : err;
        }
      }
      const auth = await authenticate(options.tokens, headers);
      if (auth.kind === "rejected") {
        options.rateLimits.badToken(clientAddress);
        throw unauthenticated(auth.message, auth.code);
      }
      extendContext({ viewer: auth.kind === "viewer" ? auth.viewer : null, clientAddress });
    },
  };
}
