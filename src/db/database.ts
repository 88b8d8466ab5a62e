import type pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import { openPGlite } from "./pglite.ts";
import { openPostgres, type PostgresOptions } from "./postgres.ts";
import { type LedgerPublisher, ledgerPublisher } from "./ledger-publisher.ts";
import type { Listening, NotificationHandlers } from "./notifications.ts";
import type { SqlPool } from "./sql-session.ts";
import { countingAdapter, StatementCounter } from "./statement-counter.ts";

/** Where the data lives: the embedded database's directory, or a PostgreSQL server. */
export type DatabaseOptions = { kind: "pglite"; dataDir: string } | ({ kind: "postgres" } & PostgresOptions);

/** A statement with $1.. placeholders (Prisma.sql`...` is one). */
export type SqlQuery = { text: string; values: unknown[] };

/** Parameters as both drivers take them: bigints as their decimal text. */
const parameter = (value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value);

export type Database = {
  kind: "pglite" | "postgres";
  /** Where the data lives, for logs (never includes a password). */
  location: string;
  prisma: PrismaClient;
  pool: SqlPool;
  /** node-postgres' pool on a PostgreSQL server (shared state such as rate limits lives there); null on PGlite. */
  pgPool: pg.Pool | null;
  statements: StatementCounter;
  /**
   * One statement straight through the driver, without the Prisma runtime: the hot reads and the
   * money movement (`wallet_move`, its own transaction). Prepared under a name derived from its
   * text on PostgreSQL; counted like Prisma's. Rows come as the driver gives them: bigint columns
   * may be text (ledgerRow and walletRow convert), jsonb arrives parsed.
   */
  query<Row>(query: SqlQuery): Promise<Row[]>;
  /** Which wallets moved, told to every gateway after the commit (ledger-publisher.ts). */
  ledger: LedgerPublisher;
  /** LISTEN on channels: another connection on PostgreSQL, in process on PGlite. */
  listen(channels: readonly string[], handlers: NotificationHandlers): Promise<Listening>;
  /** Throws unless the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export async function openDatabase(
  options: DatabaseOptions,
  logger: Logger,
  { transactionWaitMs = 2_000 }: { transactionWaitMs?: number } = {},
): Promise<Database> {
  const handle = options.kind === "pglite" ? await openPGlite(options.dataDir) : openPostgres(options, logger);
  const statements = new StatementCounter();
  const prisma = new PrismaClient({
    adapter: countingAdapter(handle.adapter, statements),
    // A transaction that cannot get a connection in time fails (503 + Retry-After) instead of queueing without bound.
    transactionOptions: { maxWait: transactionWaitMs, timeout: Math.max(5_000, transactionWaitMs * 2) },
  });
  let closed = false;
  const ledger = ledgerPublisher(handle.notify, logger);
  return {
    kind: options.kind,
    location: options.kind === "pglite" ? options.dataDir : redactUrl(options.url),
    prisma,
    pool: handle.pool,
    pgPool: "pgPool" in handle ? handle.pgPool : null,
    statements,
    query: <Row>(query: SqlQuery) => {
      statements.record(query.text);
      return handle.query<Row>(query.text, query.values.map(parameter));
    },
    ledger,
    listen: (channels, handlers) => handle.listen(channels, handlers),
    ping: async () => {
      await handle.pool.withSession((s) => s.query("select 1"));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await ledger.flush();
        await prisma.$disconnect();
      } finally {
        await handle.close();
      }
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable url)";
  }
}
