import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { DB_KIND, POSTGRES_URL, testLogger } from "./db.ts";

/**
 * A brand-new, empty database of the suite's kind (not the migrated template): a new
 * PGlite directory, or a new PostgreSQL database created next to DATABASE_URL's.
 */
export async function openEmptyDatabase(): Promise<{ db: Database; drop(): Promise<void> }> {
  if (DB_KIND === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wallet-gateway-empty-"));
    const db = await openDatabase({ kind: "pglite", dataDir: dir }, testLogger);
    return {
      db,
      drop: async () => {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `wallet_test_${randomBytes(4).toString("hex")}`;
  const admin = await openDatabase({ kind: "postgres", url: POSTGRES_URL as string, poolMax: 1, connectTimeoutMs: 5000, statementTimeoutMs: 0 }, testLogger);
  await admin.pool.withSession((s) => s.exec(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL as string);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: url.toString(), poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 0 }, testLogger);
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.pool.withSession((s) => s.exec(`DROP DATABASE IF EXISTS ${name}`));
      await admin.close();
    },
  };
}
