import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { LRUCache } from "lru-cache";
import pg from "pg";
import type { Logger } from "../logger.ts";
import { type Listening, listenPostgres, type NotificationHandlers } from "./notifications.ts";
import type { SqlPool } from "./sql-session.ts";

export type PostgresOptions = {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** Bounded row-lock waits: a busy wallet answers 409 instead of holding a connection. */
  lockTimeoutMs?: number;
};

export type PostgresHandle = {
  adapter: PrismaPg;
  pool: SqlPool;
  pgPool: pg.Pool;
  query<Row>(text: string, values: unknown[]): Promise<Row[]>;
  notify(channel: string, payload: string): Promise<void>;
  listen(channels: readonly string[], handlers: NotificationHandlers): Promise<Listening>;
  close(): Promise<void>;
};

/** A prepared statement's name from its text: never reused for different SQL (the few hot texts remembered). */
const statementNames = new LRUCache<string, string>({ max: 500 });
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `r${createHash("sha1").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

export function openPostgres(options: PostgresOptions, logger: Logger): PostgresHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    // Without it node-postgres waits forever for a free connection.
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs || undefined,
    lock_timeout: options.lockTimeoutMs ?? 2_000,
    application_name: "wallet-gateway",
  });
  // An 'error' event without a listener crashes the process when PostgreSQL restarts.
  pool.on("error", (err) => logger.warn({ err: err.message }, "idle PostgreSQL connection failed"));
  pool.on("connect", (client) => client.on("error", (err) => logger.warn({ err: err.message }, "PostgreSQL connection failed")));
  const adapter = new PrismaPg(pool, {
    // Cache prepared statements under a name derived from the SQL text itself: a name is
    // never reused for different SQL (an LRU of names would run stale statements).
    statementNameGenerator: (query) =>
      `p${createHash("sha1")
        .update(query.sql)
        .update("\0")
        .update(query.argTypes.map((t) => `${t.scalarType}:${t.dbType ?? ""}:${t.arity}`).join(","))
        .digest("hex")
        .slice(0, 24)}`,
  });
  const listeners = new Set<Listening>();
  const notifier = ownConnection(options, "wallet-gateway-publisher", logger);
  return {
    adapter,
    pgPool: pool,
    notify: async (channel, payload) => {
      await notifier.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    query: async <Row>(text: string, values: unknown[]) =>
      (await pool.query({ name: statementName(text), text, values })).rows as Row[],
    listen: async (channels, handlers) => {
      const listening = await listenPostgres(options, channels, handlers, logger);
      listeners.add(listening);
      return {
        close: async () => {
          listeners.delete(listening);
          await listening.close();
        },
      };
    },
    pool: {
      withSession: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn({
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
          });
        } finally {
          client.release();
        }
      },
    },
    close: async () => {
      await Promise.all([...listeners].map((l) => l.close()));
      await notifier.close();
      await pool.end();
    },
  };
}

/**
 * A connection of its own, opened on first use and again after a failure, for the notices sent
 * after a money commit: off the pool (no request waits for them), and with synchronous_commit off,
 * since a notice-only transaction need not wait for a disk flush while it holds PostgreSQL's
 * notify lock (a lost notice costs latency only: listeners catch up from the ledger).
 */
function ownConnection(options: PostgresOptions, name: string, logger: Logger) {
  let client: Promise<pg.Client> | null = null;
  const open = (): Promise<pg.Client> => {
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: name,
      options: "-c synchronous_commit=off",
      keepAlive: true,
    });
    const opened: Promise<pg.Client> = next.connect().then(
      () => next,
      (err: unknown) => {
        if (client === opened) client = null;
        throw err;
      },
    );
    next.on("error", (err) => {
      logger.warn({ err: err.message }, `${name} connection failed: reconnecting on next use`);
      if (client === opened) client = null;
      next.end().catch(() => undefined);
    });
    return opened;
  };
  return {
    query: async (text: string, values: unknown[]): Promise<void> => {
      const current = (client ??= open());
      const c = await current;
      try {
        await c.query(text, values);
      } catch (err) {
        if (client === current) client = null;
        c.end().catch(() => undefined);
        throw err;
      }
    },
    close: async () => {
      const current = client;
      client = null;
      if (current) await (await current.catch(() => null))?.end().catch(() => undefined);
    },
  };
}
