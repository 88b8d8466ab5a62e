import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { copyTemplate, DB_KIND, POSTGRES_URL, testLogger } from "./db.ts";

export type FreshDatabase = {
  /** The environment a server or CLI process needs to use this database. */
  env: { DATABASE_URL: string } | { DATA_DIR: string };
  open(): Promise<Database>;
  drop(): Promise<void>;
};

const pgOptions = (url: string) =>
  ({ kind: "postgres", url, poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 0 }) as const;

/**
 * A database of the suite's kind that nothing else uses: a new PGlite directory (empty,
 * or a copy of the migrated template), or a new PostgreSQL database beside DATABASE_URL's.
 */
export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<FreshDatabase> {
  if (DB_KIND === "pglite") {
    const dir = options.migrated ? copyTemplate() : fs.mkdtempSync(path.join(os.tmpdir(), "wallet-gateway-empty-"));
    return {
      env: { DATA_DIR: dir },
      open: () => openDatabase({ kind: "pglite", dataDir: dir }, testLogger),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `wallet_test_${randomBytes(4).toString("hex")}`;
  const admin = await openDatabase(pgOptions(POSTGRES_URL as string), testLogger);
  await admin.pool.withSession((s) => s.exec(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL as string);
  url.pathname = `/${name}`;
  if (options.migrated) {
    const db = await openDatabase(pgOptions(url.toString()), testLogger);
    await migrate(db.pool);
    await db.close();
  }
  return {
    env: { DATABASE_URL: url.toString() },
    open: () => openDatabase(pgOptions(url.toString()), testLogger),
    drop: async () => {
      // Not DROP ... WITH (FORCE): it refuses (42501) when an autovacuum worker is visiting the
      // database, a process our role may not terminate. A plain DROP stops autovacuum itself and
      // waits up to 5 s for the sessions we ended to go.
      await admin.pool.withSession(async (s) => {
        await s.exec(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND usename = current_user`,
        );
        await s.exec(`DROP DATABASE IF EXISTS ${name}`);
      });
      await admin.close();
    },
  };
}

/** An empty database opened in this process. */
export async function openEmptyDatabase(): Promise<{ db: Database; drop(): Promise<void> }> {
  const fresh = await freshDatabase();
  const db = await fresh.open();
  return {
    db,
    drop: async () => {
      await db.close();
      await fresh.drop();
    },
  };
}
