import type { Config } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import type { Logger } from "./logger.ts";
import { type DemoToken, databaseIsEmpty, loadDemoData } from "./modules/demo/demo-data.ts";

/** Opens the configured database and brings its schema up to date (server and CLI). */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const db = await openDatabase(config.database, logger, { transactionWaitMs: config.transactionWaitMs });
  try {
    const result = await migrate(db.pool, { onProgress: (message) => logger.info(message) });
    logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, "database schema is up to date");
    return db;
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** "auto" loads demo data on the embedded database only, and only into an empty one. */
export async function maybeLoadDemoData(db: Database, config: Config): Promise<DemoToken[] | null> {
  const wanted = config.loadDemoData === "auto" ? db.kind === "pglite" : config.loadDemoData;
  if (!wanted || !(await databaseIsEmpty(db.prisma))) return null;
  return (await loadDemoData(db.prisma)).tokens;
}

export function formatDemoTokens(tokens: DemoToken[]): string {
  const width = Math.max(...tokens.map((t) => t.email.length));
  return tokens
    .map((t) => `  ${t.email.padEnd(width)}  #${t.accountId} ${t.currency}  ${t.token}\n  ${"".padEnd(width)}  (${t.note})`)
    .join("\n");
}
