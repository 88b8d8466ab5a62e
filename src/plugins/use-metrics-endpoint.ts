import { timingSafeEqual } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { AppMetrics, MetricsConfig } from "../metrics/app-metrics.ts";

/**
 * GET /metrics in Prometheus' text format, beside the API unless METRICS_PORT moves it to a
 * port of its own (then this path is not served here), and behind `Authorization: Bearer
 * <METRICS_TOKEN>` when a token is configured.
 */
export function useMetricsEndpoint({ metrics, config }: { metrics: AppMetrics; config: MetricsConfig }): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== "/metrics" || config.port !== null) return;
      endResponse(await metricsResponse(request, metrics, config));
    },
  };
}

/** The answer to a scrape (also used by the separate metrics port). */
export async function metricsResponse(request: Request, metrics: AppMetrics, config: MetricsConfig): Promise<Response> {
  if (request.method !== "GET") return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET" } });
  if (config.token !== null && !bearerMatches(request.headers.get("authorization"), config.token)) {
    return new Response("Unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, body } = await metrics.scrape();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

function bearerMatches(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
