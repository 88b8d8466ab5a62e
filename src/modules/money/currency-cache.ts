import { LRUCache } from "lru-cache";
import type { Currency, PrismaClient } from "../../generated/prisma/client.ts";

/**
 * How long a process keeps a currency it has read. Currencies are reference data: migrations
 * insert them and nothing in the gateway edits them; an operator's edit in SQL shows within this.
 */
const CURRENCY_CACHE_MS = 60_000;

const caches = new WeakMap<PrismaClient, LRUCache<number, Currency>>();

/**
 * The currencies with these ids, read from the database only when this process has not read
 * them in the last minute: a page that shows money no longer asks for its currency each time.
 */
export async function currenciesById(prisma: PrismaClient, ids: readonly number[]): Promise<Currency[]> {
  let cache = caches.get(prisma);
  if (!cache) caches.set(prisma, (cache = new LRUCache<number, Currency>({ max: 1_000, ttl: CURRENCY_CACHE_MS })));
  const known: Currency[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const currency = cache.get(id);
    if (currency) known.push(currency);
    else missing.push(id);
  }
  if (missing.length === 0) return known;
  const read = await prisma.currency.findMany({ where: { id: { in: missing } } });
  for (const currency of read) cache.set(currency.id, currency);
  return [...known, ...read];
}
