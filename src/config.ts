import path from "node:path";
import { z } from "zod";

const boolish = z
  .enum(["auto", "true", "false", "1", "0", "yes", "no"])
  .transform((v) => (v === "auto" ? "auto" : ["true", "1", "yes"].includes(v)));

const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  LOAD_DEMO_DATA: boolish.default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  HOLD_PERIOD_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  APP_LINK_BASE: z.url({ protocol: /^https?$/ }).default("https://fangate.info"),
});

export type Config = {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  database:
    | { kind: "pglite"; dataDir: string }
    | {
        kind: "postgres";
        url: string;
        poolMax: number;
        connectTimeoutMs: number;
        statementTimeoutMs: number;
      };
  /** "auto": load the demo data set on first start with the embedded database only. */
  loadDemoData: boolean | "auto";
  logLevel: z.infer<typeof ConfigSchema>["LOG_LEVEL"];
  shutdownTimeoutMs: number;
  /** Days a sale stays on hold before it can be released to available. */
  holdPeriodDays: number;
  /** Invitation links are `<appLinkBase>/applink/<uuid>`. */
  appLinkBase: string;
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
        }
      : { kind: "pglite", dataDir: path.resolve(e.DATA_DIR) },
    loadDemoData: e.LOAD_DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    holdPeriodDays: e.HOLD_PERIOD_DAYS,
    appLinkBase: e.APP_LINK_BASE,
  };
}
