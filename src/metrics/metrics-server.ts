import http from "node:http";
import { metricsResponse } from "../plugins/use-metrics-endpoint.ts";
import type { AppMetrics, MetricsConfig } from "./app-metrics.ts";

/** METRICS_PORT: a listener of its own that serves GET /metrics and nothing else. */
export function createMetricsServer(metrics: AppMetrics, config: MetricsConfig): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      if ((req.url ?? "/").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found: scrape /metrics\n");
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const response = await metricsResponse(
        new Request(`http://metrics${req.url}`, { method: req.method, headers }),
        metrics,
        config,
      );
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
    })().catch(() => res.writeHead(500).end());
  });
}
