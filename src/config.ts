import path from "node:path";
import { z } from "zod";
import type { DatabaseOptions } from "./db/database.ts";
import type { ReplicaOptions } from "./db/read-replicas.ts";
import { DEFAULT_LIMITS, type LimitsConfig } from "./limits/limits-config.ts";
import type { MetricsConfig } from "./metrics/app-metrics.ts";
import { DEFAULT_TOKEN_CACHE, type TokenCacheOptions } from "./modules/accounts/token-cache.ts";
import type { CashoutSettings } from "./modules/cashout/cashout-rules.ts";
import { DEFAULT_MONEY_LIMITS, type MoneyLimits } from "./modules/money-limits.ts";

const boolish = z
  .enum(["auto", "true", "false", "1", "0", "yes", "no"])
  .transform((v) => (v === "auto" ? "auto" : ["true", "1", "yes"].includes(v)));

const count = (fallback: number, max = 1_000_000_000) => z.coerce.number().int().min(1).max(max).default(fallback);
const L = DEFAULT_LIMITS;

/** A comma-separated list, blanks dropped (unset: none). */
const commaList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_READ_URLS: commaList.pipe(
    z.array(z.string().regex(/^postgres(ql)?:\/\//, "each must be a postgres:// or postgresql:// URL")),
  ),
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  REPLICA_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  DATA_DIR: z.string().min(1).default("./data"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  LOAD_DEMO_DATA: boolish.default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  HOLD_PERIOD_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  APP_LINK_BASE: z.url({ protocol: /^https?$/ }).default("https://fangate.info"),
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  DB_TRANSACTION_WAIT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  WALLET_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  MAX_MOVEMENT_MINOR: count(DEFAULT_MONEY_LIMITS.maxMovementMinor, Number.MAX_SAFE_INTEGER),
  MAX_BUCKET_MINOR: count(DEFAULT_MONEY_LIMITS.maxBucketMinor, Number.MAX_SAFE_INTEGER),
  BODY_LIMIT_BYTES: count(L.bodyLimitBytes, 64 * 1024 * 1024),
  MAX_STRING_LENGTH: count(L.maxStringLength, 1_000_000),
  GRAPHQL_MAX_DEPTH: count(L.graphql.maxDepth, 100),
  GRAPHQL_MAX_ALIASES: count(L.graphql.maxAliases, 1000),
  GRAPHQL_MAX_COST: count(L.graphql.maxCost),
  GRAPHQL_MAX_TOKENS: count(L.graphql.maxTokens),
  GRAPHQL_MAX_DIRECTIVES: count(L.graphql.maxDirectives, 1000),
  GRAPHQL_INTROSPECTION: z.enum(["on", "authenticated", "off"]).default(L.graphql.introspection),
  GRAPHQL_TRUSTED_DOCUMENTS: z.enum(["off", "on", "only"]).default(L.graphql.trustedDocuments),
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  RATE_LIMIT_READ_PER_MINUTE: count(L.rate.read.perMinute),
  RATE_LIMIT_READ_PER_HOUR: count(L.rate.read.perHour),
  RATE_LIMIT_WRITE_PER_MINUTE: count(L.rate.write.perMinute),
  RATE_LIMIT_WRITE_PER_HOUR: count(L.rate.write.perHour),
  RATE_LIMIT_SERVICE_PER_MINUTE: count(L.rate.service.perMinute),
  RATE_LIMIT_SERVICE_PER_HOUR: count(L.rate.service.perHour),
  LOGIN_FAILURES_PER_EMAIL: count(L.rate.loginFailuresPerEmail, 1000),
  LOGIN_LOCKOUT_SECONDS: count(L.rate.loginLockoutSeconds, 86_400),
  LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: count(L.rate.loginFailuresPerAddressPerHour),
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: count(L.rate.registrationsPerAddressPerHour),
  BAD_TOKENS_PER_ADDRESS_PER_MINUTE: count(L.rate.badTokensPerAddressPerMinute),
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(50).max(60_000).default(L.rate.syncIntervalMs),
  SUBSCRIPTIONS_PER_TOKEN: count(L.subscriptions.perToken, 10_000),
  SUBSCRIPTIONS_PER_PROCESS: count(L.subscriptions.perProcess, 1_000_000),
  SUBSCRIPTION_QUEUE_EVENTS: count(L.subscriptions.queueEvents, 100_000),
  SUBSCRIPTION_SLOW_CONSUMER_MS: count(L.subscriptions.slowConsumerMs, 600_000),
  SUBSCRIPTION_REPLAY_MAX: count(L.subscriptions.replayMax, 100_000),
  EVENTS_CATCH_UP_MS: z.coerce.number().int().min(50).max(60_000).default(L.subscriptions.catchUpMs),
  SUBSCRIPTION_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(L.subscriptions.leaseTtlMs),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  CORS_ORIGINS: commaList.pipe(z.array(z.url({ protocol: /^https?$/ }))),
  CASHOUT_MINIMUMS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z]{3}=\d{1,15}$/, 'must be a list like "USD=500,EUR=500" (minor units)')))
    .transform((pairs) => Object.fromEntries(pairs.map((p) => [p.slice(0, 3).toUpperCase(), Number(p.slice(4))]))),
  CASHOUT_REQUIRE_PAYOUT_DETAILS: z.enum(["true", "false"]).default("false"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  GRAPHQL_JIT: z.enum(["on", "off"]).default("on"),
  TOKEN_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(DEFAULT_TOKEN_CACHE.ttlMs / 1000),
});

export type Config = {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  database: DatabaseOptions;
  /** Streaming standbys that answer reads (PostgreSQL only); none by default. */
  readReplicas: ReplicaOptions;
  /** Longest wait for a connection to start a transaction before the request answers 503. */
  transactionWaitMs: number;
  /** Longest a money movement waits in this process's per-wallet queue before answering 409. */
  walletQueueTimeoutMs: number;
  money: MoneyLimits;
  limits: LimitsConfig;
  /** "auto": load the demo data set on first start with the embedded database only. */
  loadDemoData: boolean | "auto";
  logLevel: z.infer<typeof ConfigSchema>["LOG_LEVEL"];
  shutdownTimeoutMs: number;
  /** Days a sale stays on hold before it can be released to available. */
  holdPeriodDays: number;
  /** Invitation links are `<appLinkBase>/applink/<uuid>`. */
  appLinkBase: string;
  /** Who may scrape /metrics, and where it is served. */
  metrics: MetricsConfig;
  /** The cashout rules' settings (minimums per currency, payout details required). */
  cashout: CashoutSettings;
  /** How long a valid token's row is kept in memory (0: looked up on every request). */
  tokenCache: TokenCacheOptions;
  /** Execute through graphql-jit (compiled once per document) instead of the standard executor. */
  graphqlJit: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once; every problem is reported together, by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most twelve-factor tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URLS.length > 0 && !e.DATABASE_URL)
    throw new ConfigError(
      "Invalid configuration:\n  DATABASE_READ_URLS: read replicas need DATABASE_URL (the primary they stream from)",
    );
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database: e.DATABASE_URL
      ? {
          kind: "postgres",
          url: e.DATABASE_URL,
          poolMax: e.DB_POOL_MAX,
          connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
          lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
        }
      : { kind: "pglite", dataDir: path.resolve(e.DATA_DIR) },
    readReplicas: { urls: e.DATABASE_READ_URLS, maxLagMs: e.REPLICA_MAX_LAG_MS, pollMs: e.REPLICA_POLL_MS },
    loadDemoData: e.LOAD_DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    holdPeriodDays: e.HOLD_PERIOD_DAYS,
    appLinkBase: e.APP_LINK_BASE,
    transactionWaitMs: e.DB_TRANSACTION_WAIT_MS,
    walletQueueTimeoutMs: e.WALLET_QUEUE_TIMEOUT_MS,
    money: { maxMovementMinor: e.MAX_MOVEMENT_MINOR, maxBucketMinor: e.MAX_BUCKET_MINOR },
    limits: {
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      maxStringLength: e.MAX_STRING_LENGTH,
      graphql: {
        maxDepth: e.GRAPHQL_MAX_DEPTH,
        maxAliases: e.GRAPHQL_MAX_ALIASES,
        maxCost: e.GRAPHQL_MAX_COST,
        maxTokens: e.GRAPHQL_MAX_TOKENS,
        maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
        introspection: e.GRAPHQL_INTROSPECTION,
        trustedDocuments: e.GRAPHQL_TRUSTED_DOCUMENTS,
      },
      rate: {
        enabled: e.RATE_LIMITS === "on",
        read: { perMinute: e.RATE_LIMIT_READ_PER_MINUTE, perHour: e.RATE_LIMIT_READ_PER_HOUR },
        write: { perMinute: e.RATE_LIMIT_WRITE_PER_MINUTE, perHour: e.RATE_LIMIT_WRITE_PER_HOUR },
        service: { perMinute: e.RATE_LIMIT_SERVICE_PER_MINUTE, perHour: e.RATE_LIMIT_SERVICE_PER_HOUR },
        loginFailuresPerEmail: e.LOGIN_FAILURES_PER_EMAIL,
        loginLockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
        loginFailuresPerAddressPerHour: e.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR,
        registrationsPerAddressPerHour: e.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
        badTokensPerAddressPerMinute: e.BAD_TOKENS_PER_ADDRESS_PER_MINUTE,
        syncIntervalMs: e.RATE_LIMIT_SYNC_MS,
      },
      trustProxy: e.TRUST_PROXY === "true",
      corsOrigins: e.CORS_ORIGINS,
      subscriptions: {
        perToken: e.SUBSCRIPTIONS_PER_TOKEN,
        perProcess: e.SUBSCRIPTIONS_PER_PROCESS,
        queueEvents: e.SUBSCRIPTION_QUEUE_EVENTS,
        slowConsumerMs: e.SUBSCRIPTION_SLOW_CONSUMER_MS,
        replayMax: e.SUBSCRIPTION_REPLAY_MAX,
        catchUpMs: e.EVENTS_CATCH_UP_MS,
        leaseTtlMs: e.SUBSCRIPTION_LEASE_TTL_MS,
      },
    },
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null },
    cashout: { minimumMinor: e.CASHOUT_MINIMUMS, requirePayoutDetails: e.CASHOUT_REQUIRE_PAYOUT_DETAILS === "true" },
    tokenCache: { ...DEFAULT_TOKEN_CACHE, ttlMs: e.TOKEN_CACHE_SECONDS * 1000 },
    graphqlJit: e.GRAPHQL_JIT === "on",
  };
}
