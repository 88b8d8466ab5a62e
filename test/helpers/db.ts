import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { DB_KIND, POSTGRES_URL, templateDir } from "./test-db-config.ts";

export { DB_KIND, POSTGRES_URL };

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** A fresh copy of the migrated PGlite template, in its own temporary directory. */
export function copyTemplate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wallet-gateway-test-"));
  fs.cpSync(templateDir(), dir, { recursive: true });
  fs.rmSync(path.join(dir, "ready"), { force: true });
  return dir;
}

export function databaseOptions(dataDir?: string) {
  return DB_KIND === "postgres"
    ? ({ kind: "postgres", url: POSTGRES_URL as string, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 0 } as const)
    : ({ kind: "pglite", dataDir: dataDir ?? copyTemplate() } as const);
}

let shared: Promise<Database> | undefined;

/** The test file's database (opened once per file, closed after it by closeTestDatabase). */
export function testDatabase(): Promise<Database> {
  shared ??= openDatabase(databaseOptions(), testLogger);
  return shared;
}

/**
 * Closes the file's database and removes its directory. Registered for every file in
 * test/helpers/setup-file.ts: a hook registered from inside a beforeAll never runs.
 */
export async function closeTestDatabase(): Promise<void> {
  const db = await shared;
  shared = undefined;
  await db?.close();
  if (db?.kind === "pglite") fs.rmSync(db.location, { recursive: true, force: true });
}

/** A PostgreSQL database that cannot be reached (port 1): every query fails as an outage would. */
export const openUnreachableDatabase = (): Promise<Database> =>
  openDatabase(
    {
      kind: "postgres",
      url: "postgres://nobody:nothing@127.0.0.1:1/none",
      poolMax: 2,
      connectTimeoutMs: 500,
      statementTimeoutMs: 0,
    },
    testLogger,
  );
