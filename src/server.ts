import http from "node:http";
import { createApp } from "./app.ts";
import {
  DatabaseConnectError,
  formatDemoTokens,
  maybeLoadDemoData,
  openMigratedDatabase,
  openReadReplicas,
  tokenHint,
} from "./bootstrap.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { DataDirLockedError } from "./db/data-dir-lock.ts";
import { MigrationError } from "./db/migrate.ts";
import { createLogger } from "./logger.ts";
import { createAppMetrics } from "./metrics/app-metrics.ts";
import { createMetricsServer } from "./metrics/metrics-server.ts";
import { WalletEventHub } from "./modules/events/wallet-event-hub.ts";
import { configureMoneyLimits } from "./modules/money-limits.ts";
import { walletLanes } from "./modules/wallet/wallet-lanes.ts";
import { restRoutes } from "./rest/routes/index.ts";

/** The process entry point: config, database, HTTP server, graceful shutdown. */
async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  configureMoneyLimits(config.money);
  walletLanes.configure({ timeoutMs: config.walletQueueTimeoutMs });
  const logger = createLogger(config.logLevel);
  // Signal handlers first: a supervisor (or tsx relaying to this process) may stop us while we
  // start. Until the server listens, stopping only closes what is open.
  let onSignal: (signal: string) => void = () => process.exit(0);
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  const db = await openMigratedDatabase(config, logger);
  onSignal = () => void db.close().finally(() => process.exit(0));
  const demoTokens = await maybeLoadDemoData(db, config);
  const replicas = await openReadReplicas(db, config, logger);
  onSignal = () => void Promise.all([replicas?.close(), db.close()]).finally(() => process.exit(0));
  const metrics = createAppMetrics(db, restRoutes, replicas);
  const events = new WalletEventHub(db, logger, config.limits.subscriptions);
  const app = createApp({ db, logger, config, metrics, events, replicas });
  const server = http.createServer(app);
  await listen(server, config.port, config.host);
  const metricsServer = config.metrics.port === null ? null : createMetricsServer(metrics, config.metrics);
  if (metricsServer) {
    await listen(metricsServer, config.metrics.port!, config.host);
    logger.info({ port: config.metrics.port }, "metrics served on their own port");
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  logger.info(
    { url, database: db.kind, location: db.location, startupMs: Math.round(performance.now() - startedAt) },
    "wallet gateway listening",
  );
  const banner = [`\nWallet gateway is up. GraphiQL: ${url}/graphql   (health: ${url}/healthz)`];
  if (demoTokens) {
    banner.push('Demo data loaded. Paste a token into GraphiQL\'s headers as {"Authorization": "Bearer <token>"}:');
    banner.push(formatDemoTokens(demoTokens), "These tokens are shown once; `npm run cli -- demo` issues fresh ones.\n");
  } else {
    banner.push(`${await tokenHint(db)}\n`);
  }
  process.stdout.write(`${banner.join("\n")}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      logger.warn("shutdown timeout reached: closing remaining connections");
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    metricsServer?.close();
    // Open event streams would hold the server open until the timeout: end them (clients resume elsewhere).
    await events.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await replicas?.close();
    await db.close();
    logger.info("stopped");
    logger.flush(() => process.exit(0));
  };
  onSignal = (signal) => void shutdown(signal);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
}

main().catch((err: unknown) => {
  if (
    err instanceof ConfigError ||
    err instanceof DataDirLockedError ||
    err instanceof MigrationError ||
    err instanceof DatabaseConnectError
  ) {
    process.stderr.write(`wallet-gateway: ${err.message}\n`);
  } else {
    process.stderr.write(`wallet-gateway: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
