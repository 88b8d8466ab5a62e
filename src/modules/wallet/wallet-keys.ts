import { LRUCache } from "lru-cache";
import type { Database } from "../../db/database.ts";

/**
 * Which wallet a movement will lock, for its lane (wallet-lanes.ts), without asking the
 * database each time: a wallet belongs to its account for good, as a sale and a payout belong to
 * their wallet, so what a process has read once stays true. A miss is one indexed read; an
 * unknown id answers null and the movement itself then reports it (NotFoundError).
 */
const SQL = {
  account: "SELECT id FROM wallets WHERE account_id = $1",
  sale: "SELECT wallet_id AS id FROM ledger_entries WHERE uuid = $1::uuid AND type = 'SALE'",
  payout: "SELECT wallet_id AS id FROM payouts WHERE id = $1",
} as const;

type By = keyof typeof SQL;
const caches = new WeakMap<Database, LRUCache<string, number>>();
const cacheOf = (db: Database): LRUCache<string, number> => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LRUCache<string, number>({ max: 100_000 })));
  return cache;
};

export async function walletIdOf(db: Database, by: By, id: number | string): Promise<number | null> {
  const cache = cacheOf(db);
  const key = `${by}:${id}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const [row] = await db.query<{ id: number }>({ text: SQL[by], values: [id] });
  if (row) cache.set(key, row.id);
  return row?.id ?? null;
}

/** Many accounts' wallets at once (a batch), one statement for those not known yet. */
export async function walletIdsOfAccounts(db: Database, accountIds: readonly number[]): Promise<Map<number, number>> {
  const cache = cacheOf(db);
  const found = new Map<number, number>();
  const missing: number[] = [];
  for (const id of new Set(accountIds)) {
    const known = cache.get(`account:${id}`);
    if (known === undefined) missing.push(id);
    else found.set(id, known);
  }
  if (missing.length > 0) {
    const rows = await db.query<{ id: number; accountId: number }>({
      text: 'SELECT id, account_id AS "accountId" FROM wallets WHERE account_id = ANY($1::int[])',
      values: [missing],
    });
    for (const row of rows) {
      cache.set(`account:${row.accountId}`, row.id);
      found.set(row.accountId, row.id);
    }
  }
  return found;
}

/** Each wallet's currency, which never changes: amounts of entries a movement just wrote need no wallet read. */
const currencies = new WeakMap<Database, LRUCache<number, number>>();

export function rememberCurrency(db: Database, walletId: number, currencyId: number): void {
  let cache = currencies.get(db);
  if (!cache) currencies.set(db, (cache = new LRUCache<number, number>({ max: 100_000 })));
  cache.set(walletId, currencyId);
}

export const knownCurrency = (db: Database, walletId: number): number | undefined => currencies.get(db)?.get(walletId);
