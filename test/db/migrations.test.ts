import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from "../../src/db/migrate.ts";
import { openEmptyDatabase } from "../helpers/fresh-database.ts";

describe("migration runner", () => {
  let db: Database;
  let drop: () => Promise<void>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wallet-gateway-migrations-"));

  beforeAll(async () => {
    ({ db, drop } = await openEmptyDatabase());
  });
  afterAll(async () => {
    await drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** A copy of the real migrations folder the test may edit. */
  function copyOfMigrations(name: string): string {
    const dir = path.join(scratch, name);
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it("applies every migration to an empty database and records it in _prisma_migrations", async () => {
    const result = await migrate(db.pool);
    const names = readMigrations().map((m) => m.name);
    expect(result).toEqual({ applied: names, alreadyApplied: 0 });
    const rows = await db.pool.withSession((s) =>
      s.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
        `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      ),
    );
    expect(rows).toEqual(readMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum, applied_steps_count: 1 })));
    expect(await db.prisma.currency.count()).toBe(3);
  });

  it("is a no-op when run again, also by two runners at once", async () => {
    const names = readMigrations().map((m) => m.name);
    const [a, b] = await Promise.all([migrate(db.pool), migrate(db.pool)]);
    expect(a).toEqual({ applied: [], alreadyApplied: names.length });
    expect(b).toEqual({ applied: [], alreadyApplied: names.length });
    const count = await db.pool.withSession((s) => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`));
    expect(count[0]?.n).toBe(names.length);
  });

  it("refuses to run when an applied migration file was edited", async () => {
    const dir = copyOfMigrations("edited");
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name, "migration.sql"), "\n-- an innocent-looking edit\n");
    await expect(migrate(db.pool, { dir })).rejects.toThrow(
      new RegExp(`Migration ${first.name} was edited after it was applied`),
    );
  });

  it("refuses to run code older than the database (an applied migration missing on disk)", async () => {
    const dir = copyOfMigrations("missing");
    const first = readMigrations(dir)[0]!;
    fs.rmSync(path.join(dir, first.name), { recursive: true });
    await expect(migrate(db.pool, { dir })).rejects.toThrow(
      /has migration .* applied, but prisma\/migrations has no such folder/,
    );
  });

  it("backfills the balance snapshots of entries written before that migration", async () => {
    const { db: old, drop: dropOld } = await openEmptyDatabase();
    try {
      const dir = copyOfMigrations("before-snapshots");
      for (const m of readMigrations(dir).filter((m) => m.name >= "20261121300000"))
        fs.rmSync(path.join(dir, m.name), { recursive: true });
      await migrate(old.pool, { dir });
      await old.pool.withSession(async (s) => {
        await s.exec(
          `INSERT INTO accounts (email, display_name, slug, currency_id) VALUES ('old@test.example', 'Old', 'old', 1)`,
        );
        await s.exec(
          `INSERT INTO wallets (account_id, currency_id, available, hold, pending) SELECT id, 1, 70, 0, 30 FROM accounts`,
        );
        await s.exec(`INSERT INTO ledger_entries (wallet_id, movement_id, amount, bucket, balance_after, type, status)
          SELECT w.id, v.movement::uuid, v.amount, v.bucket::"Bucket", v.after, v.type::"LedgerType", 'AVAILABLE'
          FROM wallets w, (VALUES (1, 100, 'AVAILABLE', 100, 'DEPOSIT', '00000000-0000-4000-8000-000000000001'),
                                  (2, -30, 'AVAILABLE', 70, 'CASHOUT', '00000000-0000-4000-8000-000000000002'),
                                  (3, 30, 'PENDING', 30, 'CASHOUT', '00000000-0000-4000-8000-000000000002')) AS v(n, amount, bucket, after, type, movement)
          ORDER BY v.n`);
      });
      await migrate(old.pool);
      const rows = await old.pool.withSession((s) =>
        s.query<{ a: string; h: string; p: string }>(
          `SELECT available_after::text a, hold_after::text h, pending_after::text p FROM ledger_entries ORDER BY id`,
        ),
      );
      expect(rows).toEqual([
        { a: "100", h: "0", p: "0" },
        { a: "70", h: "0", p: "30" }, // the cashout's two entries share the snapshot after the movement
        { a: "70", h: "0", p: "30" },
      ]);
      await expect(old.pool.withSession((s) => s.exec(`UPDATE ledger_entries SET amount = 1`))).rejects.toThrow(/append-only/);
    } finally {
      await dropOld();
    }
  });

  it("applies a new migration, and rolls a failing one back completely", async () => {
    const dir = copyOfMigrations("new");
    fs.mkdirSync(path.join(dir, "29990101000000_add_note"));
    fs.writeFileSync(path.join(dir, "29990101000000_add_note", "migration.sql"), `CREATE TABLE "migration_probe" (id int);`);
    fs.mkdirSync(path.join(dir, "29990102000000_broken"));
    fs.writeFileSync(
      path.join(dir, "29990102000000_broken", "migration.sql"),
      `CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";`,
    );
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/Migration 29990102000000_broken failed and was rolled back/);
    const tables = await db.pool.withSession((s) =>
      s.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_name IN ('migration_probe', 'half_done') ORDER BY 1`,
      ),
    );
    expect(tables.map((t) => t.table_name)).toEqual(["migration_probe"]);
    const recorded = await db.pool.withSession((s) =>
      s.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE migration_name LIKE '2999%'`),
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(["29990101000000_add_note"]);
  });
});
