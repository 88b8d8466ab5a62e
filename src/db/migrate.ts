import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlPool, SqlSession } from "./sql-session.ts";

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, each in its own
 * transaction, recording them in Prisma's own `_prisma_migrations` layout (so `prisma
 * migrate deploy` stays usable where its engine exists). Safe to run twice and from
 * several processes at once (an advisory lock serialises runners); refuses to run when
 * a migration that was already applied has since been edited.
 */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

const RUNNER_LOCK_KEY = 727_001; // arbitrary, constant: pg_advisory_lock key of the runner

export type Migration = { name: string; sql: string; checksum: string };

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(d.name))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export type MigrateResult = { applied: string[]; alreadyApplied: number };

export async function migrate(
  pool: SqlPool,
  options: { dir?: string; onProgress?: (message: string) => void } = {},
): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const progress = options.onProgress ?? (() => {});
  return pool.withSession(async (db) => {
    await db.query("SELECT pg_advisory_lock($1)", [RUNNER_LOCK_KEY]);
    try {
      await ensureHistoryTable(db);
      const done = await appliedChecksums(db);
      checkHistory(migrations, done);
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.name)) continue;
        progress(`applying migration ${migration.name}`);
        await applyOne(db, migration);
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await db.query("SELECT pg_advisory_unlock($1)", [RUNNER_LOCK_KEY]);
    }
  });
}

async function ensureHistoryTable(db: SqlSession): Promise<void> {
  await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
}

async function appliedChecksums(db: SqlSession): Promise<Map<string, string>> {
  const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const failed = rows.filter((r) => r.finished_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `Migration ${failed.map((r) => r.migration_name).join(", ")} started but never finished. ` +
        `Inspect the database, then mark it rolled back before running migrations again.`,
    );
  }
  return new Map(rows.map((r) => [r.migration_name, r.checksum]));
}

function checkHistory(migrations: Migration[], done: Map<string, string>): void {
  const known = new Map(migrations.map((m) => [m.name, m]));
  for (const [name, checksum] of done) {
    const file = known.get(name);
    if (!file) {
      throw new MigrationError(
        `The database has migration ${name} applied, but prisma/migrations has no such folder: ` +
          `this code is older than the database.`,
      );
    }
    if (file.checksum !== checksum) {
      throw new MigrationError(
        `Migration ${name} was edited after it was applied (checksum ${checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Never edit an applied migration: restore it and add a new one.`,
      );
    }
  }
}

async function applyOne(db: SqlSession, migration: Migration): Promise<void> {
  await db.exec("BEGIN");
  try {
    await db.exec(migration.sql);
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ($1, $2, now(), $3, 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await db.exec("COMMIT");
  } catch (err) {
    await db.exec("ROLLBACK");
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(err as Error).message}`);
  }
}
