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
      started.set(request, { id: requestIdOf(request), at: performance.now() });
    },
    onContextBuilding({ context, extendContext }) {
      const id = started.get(context.request)?.id ?? requestIdOf(context.request);
      extendContext({ requestId: id, logger: logger.child({ requestId: id }) });
    },
    onResponse({ request, response }) {
      // Yoga's own endpoints (/healthz) answer before later plugins' onRequest runs.
      const info = started.get(request) ?? { id: requestIdOf(request), at: Number.NaN };
      response.headers.set("x-request-id", info.id);
      const url = new URL(request.url);
      logger.info(
        {
          requestId: info.id,
          method: request.method,
          path: url.pathname,
          status: response.status,
          ...(Number.isNaN(info.at) ? {} : { ms: Math.round((performance.now() - info.at) * 10) / 10 }),
        },
        "request",
      );
    },
  };
}

function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}
