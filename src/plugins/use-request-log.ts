import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import type { AppMetrics } from "../metrics/app-metrics.ts";
import { currentRequestId, requestContext } from "../request-context.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request one id (the caller's `X-Request-Id` when it is sane) for its whole
 * handling: every log line written meanwhile carries it (the logger reads it from the request
 * context), the response echoes it, and one JSON line per request is logged (a REST route's
 * operation runs within its request: the same id, no line of its own).
 */
export function useRequestLog({
  logger,
  metrics,
}: {
  logger: Logger;
  metrics?: Pick<AppMetrics, "observeRequest">;
}): Plugin<{ requestId: string; logger: Logger }> {
  return {
    instrumentation: {
      request: ({ request }, wrapped) =>
        requestContext.run({ requestId: requestIdOf(request), startedAt: performance.now() }, wrapped),
    },
    onContextBuilding({ context, extendContext }) {
      extendContext({ requestId: currentRequestId() ?? requestIdOf(context.request), logger });
    },
    onResponse({ request, response }) {
      const started = requestContext.getStore();
      response.headers.set("x-request-id", started?.requestId ?? requestIdOf(request));
      const ms = started ? performance.now() - started.startedAt : undefined;
      if (ms !== undefined) metrics?.observeRequest(request, response.status, ms / 1000);
      logger.info(
        {
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ...(ms !== undefined ? { ms: Math.round(ms * 10) / 10 } : {}),
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
