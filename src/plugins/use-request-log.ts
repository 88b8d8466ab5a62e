import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane), echoes it in
 * the response, puts it on the context, and logs one JSON line per request.
 */
export function useRequestLog({ logger }: { logger: Logger }): Plugin<{ requestId: string; logger: Logger }> {
  const started = new WeakMap<Request, { id: string; at: number }>();
  return {
    onRequest({ request }) {
      const given = request.headers.get("x-request-id");
      started.set(request, { id: given && REQUEST_ID.test(given) ? given : randomUUID(), at: performance.now() });
    },
    onContextBuilding({ context, extendContext }) {
      const id = started.get(context.request)?.id ?? randomUUID();
      extendContext({ requestId: id, logger: logger.child({ requestId: id }) });
    },
    onResponse({ request, response }) {
      const info = started.get(request);
      if (!info) return;
      response.headers.set("x-request-id", info.id);
      const url = new URL(request.url);
      logger.info(
        {
          requestId: info.id,
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: Math.round((performance.now() - info.at) * 10) / 10,
        },
        "request",
      );
    },
  };
}
