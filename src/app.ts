import { createYoga, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { GraphQLContext } from "./graphql/context.ts";
import { createLoaders } from "./graphql/loaders.ts";
import { schema } from "./graphql/schema.ts";
import type { Logger } from "./logger.ts";
import { useRequestLog } from "./plugins/use-request-log.ts";
import { useViewer } from "./plugins/use-viewer.ts";
import { useRestRoutes } from "./rest/router.ts";
import type { GraphQLFetch } from "./rest/run-operation.ts";
import { restRoutes } from "./rest/routes/index.ts";

export type AppDeps = { db: Database; logger: Logger; config?: Partial<Pick<Config, "holdPeriodDays" | "appLinkBase">> };

/**
 * The whole HTTP surface as one fetch handler (also a Node request listener):
 * /graphql (GraphiQL in a browser), /healthz, /readyz, and the legacy REST paths under /api. Tests call `app.fetch` directly
 * or mount it on a real socket.
 */
export function createApp({ db, logger, config = {} }: AppDeps) {
  const holdPeriodDays = config.holdPeriodDays ?? 7;
  const appLinkBase = config.appLinkBase ?? "https://fangate.info";
  const yoga: YogaServerInstance<{ request: Request }, Partial<GraphQLContext>> = createYoga<
    { request: Request },
    Partial<GraphQLContext>
  >({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: { title: "Wallet gateway" },
    // Never leak internal messages, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    logging: {
      debug: (...args) => logger.debug({ args }, "yoga"),
      info: (...args) => logger.info({ args }, "yoga"),
      warn: (...args) => logger.warn({ args }, "yoga"),
      error: (...args) =>
        logger.error(
          { err: args.map((a) => (a instanceof Error ? { message: a.message, stack: a.stack } : a)) },
          "unexpected error",
        ),
    },
    context: () => ({ db, prisma: db.prisma, loaders: createLoaders(db.prisma), holdPeriodDays, appLinkBase }),
    plugins: [
      useRequestLog({ logger }),
      useReadinessCheck({
        endpoint: "/readyz",
        check: async () => {
          try {
            await db.ping();
            return true;
          } catch (err) {
            logger.warn({ err: (err as Error).message }, "readiness check failed");
            return false;
          }
        },
      }),
      useViewer({ prisma: db.prisma }),
      useRestRoutes({ routes: restRoutes, graphql: (): GraphQLFetch => (request) => yoga.fetch(request), logger }),
    ],
  });
  return yoga;
}

export type App = ReturnType<typeof createApp>;
