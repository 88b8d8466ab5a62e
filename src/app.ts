import { useGraphQlJit } from "@envelop/graphql-jit";
import { getOperationAST } from "graphql";
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { GraphQLContext } from "./graphql/context.ts";
import { createLoaders } from "./graphql/loaders.ts";
import { GRAPHIQL_OPTIONS, renderOfflineGraphiQL } from "./graphiql.ts";
import { logMaskedErrors } from "./graphql/error-log.ts";
import { maskError } from "./graphql/mask-error.ts";
import { schema } from "./graphql/schema.ts";
import { DEFAULT_LIMITS, type LimitsConfig } from "./limits/limits-config.ts";
import { createRateLimits } from "./limits/rate-limits.ts";
import type { Logger } from "./logger.ts";
import { type AppMetrics, createAppMetrics, DEFAULT_METRICS } from "./metrics/app-metrics.ts";
import { DEFAULT_TOKEN_CACHE, tokenCacheOf } from "./modules/accounts/token-cache.ts";
import type { Viewer } from "./modules/accounts/viewer.ts";
import { DEFAULT_CASHOUT_SETTINGS } from "./modules/cashout/cashout-rules.ts";
import { WalletEventHub } from "./modules/events/wallet-event-hub.ts";
import { useApiDocs } from "./plugins/use-api-docs.ts";
import { useClientAddress } from "./plugins/client-address.ts";
import { useEdgeHygiene } from "./plugins/use-edge-hygiene.ts";
import { useGraphQLLimits } from "./plugins/use-graphql-limits.ts";
import { useInputHygiene } from "./plugins/use-input-hygiene.ts";
import { useMetricsEndpoint } from "./plugins/use-metrics-endpoint.ts";
import { useRateLimit } from "./plugins/use-rate-limit.ts";
import { useRequestLog } from "./plugins/use-request-log.ts";
import { useTrustedDocuments } from "./plugins/use-trusted-documents.ts";
import { useViewer } from "./plugins/use-viewer.ts";
import { useRestRoutes } from "./rest/router.ts";
import { inProcessRunner } from "./rest/run-operation.ts";
import { restRoutes } from "./rest/routes/index.ts";
import type { ReadReplicas } from "./db/read-replicas.ts";
import { useReadReplicas } from "./plugins/use-read-replicas.ts";
import { useEventIds } from "./plugins/use-event-ids.ts";

export type AppDeps = {
  db: Database;
  logger: Logger;
  config?: Partial<Pick<Config, "holdPeriodDays" | "appLinkBase" | "metrics" | "cashout" | "tokenCache" | "graphqlJit">> & {
    limits?: LimitsConfig;
  };
  /** Made here unless the caller serves them elsewhere too (the separate metrics port). */
  metrics?: AppMetrics;
  /** Streaming standbys for queries (DATABASE_READ_URLS); none: everything runs on `db`. */
  replicas?: ReadReplicas | null;
  /** Live events; made here unless the caller closes them on shutdown. */
  events?: WalletEventHub;
  /**
   * Benchmarks only (bench/layers.ts): layers left out, to measure what each costs. Without the
   * viewer layer every request runs as `viewer` (no token is read).
   */
  layersOff?: { layers: readonly Layer[]; viewer?: Viewer };
};

/** The gateway's per-request layers a benchmark can leave out one at a time. */
export const LAYERS = [
  "edgeHygiene",
  "clientAddress",
  "requestLog",
  "metrics",
  "rateLimit",
  "inputHygiene",
  "graphqlLimits",
  "viewer",
  "graphqlJit",
] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * The whole HTTP surface as one fetch handler (also a Node request listener):
 * /graphql (GraphiQL in a browser), /healthz, /readyz, /metrics, and the legacy REST paths under /api. Tests call `app.fetch` directly
 * or mount it on a real socket.
 */
export function createApp({
  db,
  logger,
  config = {},
  replicas = null,
  metrics = createAppMetrics(db, restRoutes, replicas),
  events,
  layersOff,
}: AppDeps) {
  const off = new Set(layersOff?.layers ?? []);
  const layer = <P>(name: Layer, ...plugins: P[]): P[] => (off.has(name) ? [] : plugins);
  const holdPeriodDays = config.holdPeriodDays ?? 7;
  const appLinkBase = config.appLinkBase ?? "https://fangate.info";
  const limits = config.limits ?? DEFAULT_LIMITS;
  const walletEvents = events ?? new WalletEventHub(db, logger, limits.subscriptions);
  // In PostgreSQL when several gateways may share the database; in memory on the embedded one.
  const rateLimits = createRateLimits(limits.rate, { pgPool: db.pgPool, logger });
  const clientAddress = useClientAddress({ trustProxy: limits.trustProxy });
  const yoga: YogaServerInstance<{ request: Request }, Partial<GraphQLContext>> = createYoga<
    { request: Request },
    Partial<GraphQLContext>
  >({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    // useEdgeHygiene enforces the body limit first, chunked bodies included (413 in the path's
    // envelope). Yoga's own limit would pipe every body through a web TransformStream again.
    maxRequestBodySize: false,
    graphiql: GRAPHIQL_OPTIONS,
    renderGraphiQL: renderOfflineGraphiQL,
    // Never leak internal messages, whatever NODE_ENV says; contention and outages answer 409/503.
    maskedErrors: { isDev: false, maskError },
    // Browsers may call only from the configured origins; tokens travel in headers, never cookies.
    cors: (request) => {
      const origin = request.headers.get("origin");
      return origin && limits.corsOrigins.includes(origin)
        ? {
            origin,
            credentials: false,
            allowedHeaders: ["authorization", "x-api-key", "content-type", "idempotency-key", "x-request-id"],
            exposedHeaders: [
              "x-request-id",
              "retry-after",
              "x-ratelimit-limit",
              "x-ratelimit-remaining",
              "x-ratelimit-reset",
              "x-ratelimit-tier",
            ],
          }
        : false;
    },
    logging: {
      debug: (...args) => logger.debug({ args }, "yoga"),
      info: (...args) => logger.info({ args }, "yoga"),
      warn: (...args) => logger.warn({ args }, "yoga"),
      error: (...args) => logMaskedErrors(logger, args),
    },
    context: () => ({
      db,
      prisma: db.prisma,
      rateLimits,
      loaders: createLoaders(db),
      holdPeriodDays,
      appLinkBase,
      cashout: config.cashout ?? DEFAULT_CASHOUT_SETTINGS,
      events: walletEvents,
    }),
    plugins: [
      // First: it may replace the Request (a chunked body read up to the limit), and every later
      // hook, the client-address record included, must see the replacement.
      ...layer("edgeHygiene", useEdgeHygiene({ bodyLimitBytes: limits.bodyLimitBytes })),
      ...layer("clientAddress", clientAddress.plugin),
      ...layer("requestLog", useRequestLog({ logger, ...(off.has("metrics") ? {} : { metrics }) })),
      ...layer("metrics", useMetricsEndpoint({ metrics, config: config.metrics ?? DEFAULT_METRICS }), metrics.graphqlPlugin()),
      useApiDocs({ routes: restRoutes }),
      useEventIds(),
      // Queries and mutations run compiled (graphql-jit, once per document); subscriptions as before.
      ...((config.graphqlJit ?? true)
        ? layer(
            "graphqlJit",
            useGraphQlJit(
              {},
              { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== "subscription" },
            ),
          )
        : []),
      useReadinessCheck({
        endpoint: "/readyz",
        check: async () => {
          try {
            await db.ping();
            // With read replicas, each one's lag (a replica that lags or is down is skipped, not a reason to be unready).
            return replicas ? Response.json({ ready: true, replicas: replicaStates(replicas) }) : true;
          } catch (err) {
            logger.warn({ err: (err as Error).message }, "readiness check failed");
            return false;
          }
        },
      }),
      ...useTrustedDocuments(limits.graphql.trustedDocuments),
      // After the viewer is known (its last write) and before execution.
      ...(replicas ? [useReadReplicas(replicas, (target) => metrics.countRead(target))] : []),
      ...layer("rateLimit", useRateLimit({ limits: rateLimits, clientAddress: clientAddress.addressOf })),
      ...layer("inputHygiene", useInputHygiene({ maxStringLength: limits.maxStringLength })),
      ...(off.has("graphqlLimits") ? [] : useGraphQLLimits(limits.graphql)),
      off.has("viewer")
        ? fixedViewer(layersOff?.viewer ?? null)
        : useViewer({
            tokens: tokenCacheOf(db, logger, config.tokenCache ?? DEFAULT_TOKEN_CACHE),
            db,
            rateLimits,
            clientAddress: clientAddress.addressOf,
          }),
      useRestRoutes({
        routes: restRoutes,
        run: inProcessRunner(() => yoga, { maxStringLength: limits.maxStringLength }),
        logger,
      }),
    ],
  });
  return yoga;
}

export type App = ReturnType<typeof createApp>;

const replicaStates = (replicas: ReadReplicas) =>
  replicas.states().map((r) => ({ location: r.location, lagMs: r.lagMs, usable: r.usable }));

/** The viewer layer left out (benchmarks): every request runs as this viewer, no token read. */
const fixedViewer = (viewer: Viewer | null): Plugin<{ viewer: Viewer | null; clientAddress: string | null }> => ({
  onContextBuilding({ extendContext }) {
    extendContext({ viewer, clientAddress: null });
  },
});
