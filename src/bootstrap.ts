import type { Config } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { MigrationError, migrate } from "./db/migrate.ts";
import { ReadReplicas } from "./db/read-replicas.ts";
import { cursorKey } from "./modules/ledger/cursor.ts";
import type { Logger } from "./logger.ts";
import { type DemoToken, databaseIsEmpty, loadDemoData } from "./modules/demo/demo-data.ts";

/** The configured PostgreSQL server could not be used at start: one line for the operator. */
export class DatabaseConnectError extends Error {
  override name = "DatabaseConnectError";
}

/** Opens the configured database and brings its schema up to date (server and CLI). */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const db = await openDatabase(config.database, logger, { transactionWaitMs: config.transactionWaitMs });
  try {
    const result = await migrate(db.pool, { onProgress: (message) => logger.info(message) });
    logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, "database schema is up to date");
    return db;
  } catch (err) {
    await db.close();
    if (db.kind !== "postgres" || err instanceof MigrationError) throw err;
    logger.debug({ err: { message: (err as Error).message, stack: (err as Error).stack } }, "database connection failed");
    throw new DatabaseConnectError(
      `cannot use PostgreSQL at ${db.location}: ${reasonOf(err)}. ` +
        "Check DATABASE_URL, that the server runs, and that the role and database exist (README, PostgreSQL).",
    );
  }
}

/** The driver's own words, or its error code (a refused connection to every address has no message). */
function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  const message = e.message?.split("\n")[0] || e.errors?.[0]?.message || "";
  return message || e.code || String(err);
}

/** "auto" loads demo data on the embedded database only, and only into an empty one. */
export async function maybeLoadDemoData(db: Database, config: Config): Promise<DemoToken[] | null> {
  const wanted = config.loadDemoData === "auto" ? db.kind === "pglite" : config.loadDemoData;
  if (!wanted || !(await databaseIsEmpty(db.prisma))) return null;
  return (await loadDemoData(db)).tokens;
}

export function formatDemoTokens(tokens: DemoToken[]): string {
  const width = Math.max(...tokens.map((t) => t.email.length));
  return tokens
    .map((t) => `  ${t.email.padEnd(width)}  #${t.accountId} ${t.currency}  ${t.token}\n  ${"".padEnd(width)}  (${t.note})`)
    .join("\n");
}

/** What the start banner says when it has no demo tokens to print: how to get a token. */
export async function tokenHint(db: Database): Promise<string> {
  const whileRunning =
    db.kind === "pglite" ? " (stop the server first: the embedded database allows one process)" : " (in another terminal)";
  if (await databaseIsEmpty(db.prisma)) {
    return `The database has no accounts yet. Load the demo data set and get tokens with \`npm run cli -- demo\`${whileRunning}.`;
  }
  return (
    `Tokens: \`npm run cli -- demo\` issues fresh ones for the demo accounts, \`npm run cli -- token create --account <id>\` ` +
    `for any account${whileRunning}.`
  );
}

/**
 * The configured read replicas (none: null). The cursor key is made on the primary first, so
 * that the replicas, which cannot write, find it.
 */
export async function openReadReplicas(db: Database, config: Config, logger: Logger): Promise<ReadReplicas | null> {
  if (config.readReplicas.urls.length === 0 || config.database.kind !== "postgres") return null;
  await cursorKey(db.prisma);
  const { url: _primary, ...connection } = config.database;
  const replicas = await ReadReplicas.open(db, config.readReplicas, connection, logger);
  for (const r of replicas.states())
    logger.info({ replica: r.location, lagMs: r.lagMs, usable: r.usable }, "read replica configured");
  return replicas;
}
