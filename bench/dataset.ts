import type { Database } from "../src/db/database.ts";

/**
 * The throughput data set: CREATORS creators with ENTRIES_EACH ledger entries each, plus one
 * wallet of DEEP_ENTRIES, each with an OWNER token whose raw value is derived from the data
 * set's id (so a later run finds them). Loaded once per database in bulk statements (with the
 * counters the services maintain), with a progress bar; a second run reuses it.
 */
export const CREATORS = 2_000;
export const ENTRIES_EACH = 100;
export const DEEP_ENTRIES = 1_000_000;
const CHUNK_CREATORS = 100;
const CHUNK_DEEP = 50_000;
const MARKER = "bench.throughput.dataset";

export type Dataset = { tokens: string[]; deepToken: string; deepWalletId: number };

const tokenOf = (id: string, n: number | "deep") => `wgw_bench${id}c${n}`;

function progress(label: string, done: number, total: number, startedAt: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = done / Math.max(seconds, 0.001);
  process.stderr.write(
    `\r${label.padEnd(26)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")}` +
      `  ${Math.round(rate).toLocaleString("en")}/s  ${seconds.toFixed(1)} s${done === total ? "\n" : ""}`,
  );
}

export async function loadDataset(db: Database): Promise<Dataset> {
  return db.pool.withSession(async (s) => {
    const existing = await s.query<{ value: { id: string; deepWalletId: number } }>("SELECT value FROM settings WHERE key = $1", [
      MARKER,
    ]);
    if (existing[0]) {
      const { id, deepWalletId } = existing[0].value;
      process.stderr.write(
        `data set ${id} is already loaded (${CREATORS} x ${ENTRIES_EACH} entries + 1 x ${DEEP_ENTRIES}): reusing it\n`,
      );
      return {
        tokens: Array.from({ length: CREATORS }, (_, i) => tokenOf(id, i + 1)),
        deepToken: tokenOf(id, "deep"),
        deepWalletId,
      };
    }
    const id = Date.now().toString(36);
    const usd = (await s.query<{ id: number }>("SELECT id FROM currencies WHERE code = 'USD'"))[0]!.id;
    // Entries: +100 per deposit, one second apart, so balance_after is the running sum (reconcile holds).
    const insertEntries = (walletIds: string, from: number, to: number) =>
      s.query(
        `INSERT INTO ledger_entries (wallet_id, movement_id, amount, bucket, balance_after, available_after, type, status, title, created_at)
         SELECT w.id, gen_random_uuid(), 100, 'AVAILABLE', 100 * k, 100 * k, 'DEPOSIT', 'AVAILABLE', 'Deposit',
           timestamptz '2026-01-01' + k * interval '1 second'
         FROM wallets w CROSS JOIN generate_series($1::int, $2::int) AS k WHERE w.id IN (${walletIds})`,
        [from, to],
      );
    const createAccounts = async (first: number, last: number, deep = false) => {
      const rows = await s.query<{ wallet: number; n: number }>(
        `WITH a AS (
           INSERT INTO accounts (email, display_name, slug, currency_id)
           SELECT 'bench-' || $1 || '-' || n || '@bench.example', 'Bench ' || n, 'bench-' || $1 || '-' || n, $4
           FROM generate_series($2::int, $3::int) AS n RETURNING id, slug),
         t AS (
           INSERT INTO api_tokens (account_id, token_hash, prefix, role, name)
           SELECT a.id, encode(sha256(convert_to(CASE WHEN $5 THEN 'wgw_bench' || $1 || 'cdeep'
             ELSE 'wgw_bench' || $1 || 'c' || split_part(a.slug, '-', 3) END, 'UTF8')), 'hex'), 'wgw_bench', 'OWNER', 'bench'
           FROM a)
         INSERT INTO wallets (account_id, currency_id) SELECT a.id, $4 FROM a RETURNING id AS wallet, 0 AS n`,
        [id, first, last, usd, deep],
      );
      return rows.map((r) => r.wallet);
    };

    let started = performance.now();
    for (let first = 1; first <= CREATORS; first += CHUNK_CREATORS) {
      const last = Math.min(CREATORS, first + CHUNK_CREATORS - 1);
      await s.exec("BEGIN");
      const wallets = (await createAccounts(first, last)).join(",");
      await insertEntries(wallets, 1, ENTRIES_EACH);
      await s.query(`UPDATE wallets SET available = ${100 * ENTRIES_EACH} WHERE id IN (${wallets})`);
      await s.exec("COMMIT");
      progress("creators x 100 entries", last, CREATORS, started);
    }
    started = performance.now();
    await s.exec("BEGIN");
    const [deepWalletId] = await createAccounts(0, 0, true);
    await s.exec("COMMIT");
    for (let from = 1; from <= DEEP_ENTRIES; from += CHUNK_DEEP) {
      const to = Math.min(DEEP_ENTRIES, from + CHUNK_DEEP - 1);
      await insertEntries(String(deepWalletId), from, to);
      progress("one wallet of 1,000,000", to, DEEP_ENTRIES, started);
    }
    await s.query(`UPDATE wallets SET available = ${100 * DEEP_ENTRIES} WHERE id = $1`, [deepWalletId]);
    await s.exec("ANALYZE");
    await s.query("INSERT INTO settings (key, value) VALUES ($1, $2)", [MARKER, JSON.stringify({ id, deepWalletId })]);
    return {
      tokens: Array.from({ length: CREATORS }, (_, i) => tokenOf(id, i + 1)),
      deepToken: tokenOf(id, "deep"),
      deepWalletId: deepWalletId!,
    };
  });
}
