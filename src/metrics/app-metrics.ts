import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db/database.ts";
import type { Route } from "../rest/route.ts";
import { surfaceOfPath } from "../rest/surfaces.ts";
import { domainRegistry } from "./domain-metrics.ts";
import type { ReadReplicas } from "../db/read-replicas.ts";

export type MetricsConfig = {
  /** Set: /metrics needs `Authorization: Bearer <token>`. */
  token: string | null;
  /** Set: /metrics is served on this port only (see server.ts), not beside the API. */
  port: number | null;
};

export const DEFAULT_METRICS: MetricsConfig = { token: null, port: null };

const OPS_PATHS = new Set(["/graphql", "/healthz", "/readyz", "/metrics", "/api/openapi.json", "/api/docs"]);

/**
 * One app's Prometheus metrics: HTTP requests by surface, route and status (with durations),
 * GraphQL operations by name with parse/validate/execute durations (Yoga's Prometheus plugin),
 * the database pool, process metrics, and the domain's counters (domain-metrics.ts).
 */
export function createAppMetrics(db: Database, routes: Route[], replicas: ReadReplicas | null = null) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "wallet_gateway_" });
  const http = new Histogram({
    name: "wallet_http_request_duration_seconds",
    help: "HTTP requests by surface (graphql, legacy, studio, stats, ops), route pattern, method and status.",
    labelNames: ["surface", "route", "method", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: "wallet_db_pool_connections",
    help: "Database connections by state: total and idle connections, and requests waiting for one (PGlite: one session).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const pool = db.pgPool;
      this.set({ state: "total" }, pool ? pool.totalCount : 1);
      this.set({ state: "idle" }, pool ? pool.idleCount : 0);
      this.set({ state: "waiting" }, pool ? pool.waitingCount : 0);
    },
  });

  const reads = new Counter({
    name: "wallet_db_reads_total",
    help: "GraphQL queries (and the REST reads that run one) by where they ran: a read replica or the primary.",
    labelNames: ["target"] as const,
    registers: [registry],
  });
  if (replicas) {
    new Gauge({
      name: "wallet_db_replica_lag_ms",
      help: "How long ago the primary wrote the oldest position each read replica has not replayed (-1: not answering).",
      labelNames: ["replica"] as const,
      registers: [registry],
      collect() {
        for (const r of replicas.states()) this.set({ replica: r.location }, r.lagMs ?? -1);
      },
    });
    new Gauge({
      name: "wallet_db_replica_usable",
      help: "1 when a read replica answers and lags at most REPLICA_MAX_LAG_MS (reads go there), else 0.",
      labelNames: ["replica"] as const,
      registers: [registry],
      collect() {
        for (const r of replicas.states()) this.set({ replica: r.location }, r.usable ? 1 : 0);
      },
    });
  }

  /** The route label: a REST route's pattern, an ops path, or "unmatched" (labels stay few whatever clients send). */
  const routeOf = (path: string): { surface: string; route: string } => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (OPS_PATHS.has(trimmed)) return { surface: trimmed === "/graphql" ? "graphql" : "ops", route: trimmed };
    if (!trimmed.startsWith("/api/")) return { surface: "ops", route: "unmatched" };
    const route = routes.find((r) => samePattern(r.path, trimmed));
    return { surface: surfaceOfPath(path), route: route?.path ?? "unmatched" };
  };

  return {
    registry,
    /** Never throws: metrics must not change an answer. */
    /** A query ran on a read replica or on the primary. */
    countRead(target: "replica" | "primary") {
      reads.inc({ target });
    },
    observeRequest(request: Request, status: number, seconds: number) {
      try {
        const { surface, route } = routeOf(new URL(request.url).pathname);
        http.observe({ surface, route, method: request.method, status: String(status) }, seconds);
      } catch {
        // An unlabellable request is not worth a failed response.
      }
    },
    /** GraphQL operations by name: parse, validate, context and execute durations, errors. */
    graphqlPlugin(): Plugin {
      return usePrometheus({
        registry,
        endpoint: false,
        metrics: {
          graphql_envelop_request: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_phase_parse: true,
          graphql_envelop_phase_validate: true,
          graphql_envelop_phase_context: true,
          graphql_envelop_phase_execute: true,
          graphql_envelop_error_result: true,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          graphql_envelop_phase_subscribe: false,
          graphql_yoga_http_duration: false,
        },
      });
    },
    /** The text a scrape gets: this app's metrics and the process's domain counters. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      const merged = Registry.merge([registry, domainRegistry]);
      return { contentType: merged.contentType, body: await merged.metrics() };
    },
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;

/** Whether a raw path has a route pattern's shape (`:name` matches any segment; nothing is decoded). */
function samePattern(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const got = path.split("/");
  return want.length === got.length && want.every((w, i) => w.startsWith(":") || w === got[i]);
}
