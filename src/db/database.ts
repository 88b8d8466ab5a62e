import type { Config } from "../config.ts";
import { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import { openPGlite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { SqlPool } from "./sql-session.ts";
import { countingAdapter, StatementCounter } from "./statement-counter.ts";

export type Database = {
  kind: "pglite" | "postgres";
  /** Where the data lives, for logs (never includes a password). */
  location: string;
  prisma: PrismaClient;
  pool: SqlPool;
  statements: StatementCounter;
  /** Throws unless the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export async function openDatabase(options: Config["database"], logger: Logger): Promise<Database> {
  const handle = options.kind === "pglite" ? await openPGlite(options.dataDir) : openPostgres(options, logger);
  const statements = new StatementCounter();
  const prisma = new PrismaClient({ adapter: countingAdapter(handle.adapter, statements) });
  let closed = false;
  return {
    kind: options.kind,
    location: options.kind === "pglite" ? options.dataDir : redactUrl(options.url),
    prisma,
    pool: handle.pool,
    statements,
    ping: async () => {
      await handle.pool.withSession((s) => s.query("select 1"));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
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
