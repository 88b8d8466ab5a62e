import type { Plugin } from "graphql-yoga";
import type { TokenCache } from "../modules/accounts/token-cache.ts";
import type { Viewer } from "../modules/accounts/viewer.ts";
import { unauthenticated } from "../graphql/http-errors.ts";
import { RateLimitedError, type RateLimits } from "../limits/rate-limits.ts";
import type { Database } from "../db/database.ts";
import { judgeToken, tokenRowById } from "../modules/accounts/token.service.ts";
import { readTicket } from "../modules/events/stream-ticket.ts";
import { type Authentication, authenticate } from "./credentials.ts";
import { rateLimitedError } from "./use-rate-limit.ts";

/**
 * Puts `viewer` (and the client's address) on the GraphQL context. A presented but invalid,
 * revoked or expired token fails the whole request with 401, and counts against the
 * client's address: past the limit of bad tokens, tokens from there are not even looked up
 * (429). No token means an anonymous viewer (fields that need one answer 401 through their
 * auth scopes). A browser's EventSource, which cannot send a header, presents a stream ticket
 * instead (`?ticket=`, a GET asking for text/event-stream, subscriptions only: stream-ticket.ts).
 */
export function useViewer(options: {
  tokens: TokenCache;
  db: Database;
  rateLimits: RateLimits;
  clientAddress: (request: Request) => string | null;
}): Plugin<{ viewer: Viewer | null; request: Request; clientAddress: string | null }> {
  const byTicket = new WeakSet<Request>();
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
      const ticket = streamTicketOf(context.request);
      const auth = ticket !== null ? await authenticateTicket(options.db, ticket) : await authenticate(options.tokens, headers);
      if (auth.kind === "rejected") {
        options.rateLimits.badToken(clientAddress);
        throw unauthenticated(auth.message, auth.code);
      }
      if (ticket !== null) byTicket.add(context.request);
      extendContext({ viewer: auth.kind === "viewer" ? auth.viewer : null, clientAddress });
    },
    // A ticket opens event streams, nothing else (subscriptions do not pass through onExecute).
    onExecute({ args }) {
      if (byTicket.has(args.contextValue.request))
        throw unauthenticated("A stream ticket opens subscriptions only: send the token for anything else.", "invalid_api_key");
    },
  };
}

/** The `ticket` of an EventSource's request (GET, text/event-stream, no token header), else null. */
function streamTicketOf(request: Request): string | null {
  if (request.method !== "GET" || request.headers.has("authorization") || request.headers.has("x-api-key")) return null;
  if (!request.headers.get("accept")?.includes("text/event-stream")) return null;
  return new URL(request.url).searchParams.get("ticket");
}

async function authenticateTicket(db: Database, ticket: string): Promise<Authentication> {
  const read = await readTicket(db.prisma, ticket);
  if (!read.ok) return { kind: "rejected", code: "invalid_api_key", message: read.message };
  const check = judgeToken(await tokenRowById(db, read.tokenId));
  if (check.ok) return { kind: "viewer", viewer: { accountId: check.accountId, tokenId: check.tokenId, role: check.role } };
  return {
    kind: "rejected",
    code: check.reason === "revoked" ? "api_key_revoked" : "invalid_api_key",
    message: "The token of this stream ticket is no longer valid.",
  };
}
