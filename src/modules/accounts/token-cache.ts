import { LRUCache } from "lru-cache";
import type { Database } from "../../db/database.ts";
import { CHANNELS, type Listening } from "../../db/notifications.ts";
import type { Logger } from "../../logger.ts";
import { hashToken, judgeToken, plausibleToken, type TokenCheck, type TokenRow, tokenRowByHash } from "./token.service.ts";

export type TokenCacheOptions = { ttlMs: number; maxEntries: number };
export const DEFAULT_TOKEN_CACHE: TokenCacheOptions = { ttlMs: 30_000, maxEntries: 10_000 };

const RETRY_MS = 5_000;
/** Revocations remembered for reads still in flight; a read older than all of them is not kept. */
const HEARD_MAX = 1_000;

/**
 * Valid tokens' rows, kept for a short while so the hot path does not look the token up on
 * every request. Revocation-safe: the database NOTIFYs `wallet_access` "token:<id>" when a
 * token is revoked, re-dated or deleted (by any gateway, the CLI or plain SQL), and the entry
 * is dropped when that arrives. The cache answers only while it is listening: before the
 * first LISTEN is in place and from a lost connection until it is back (and emptied), every
 * check reads the database. Expiry is judged at every use; revoked, expired and unknown
 * tokens are never kept.
 */
export class TokenCache {
  private readonly rows: LRUCache<string, TokenRow>;
  private listening = false;
  /** Moves on every revocation heard and every lost connection. */
  private epoch = 0;
  /** The latest moves: which token each was about (null: all of them, a lost connection). */
  private readonly heard: { epoch: number; tokenId: number | null }[] = [];
  private listener: Promise<Listening | null> | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: TokenCacheOptions,
  ) {
    this.rows = new LRUCache({ max: Math.max(1, options.maxEntries), ttl: Math.max(1, options.ttlMs) });
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  async check(token: string): Promise<TokenCheck> {
    if (!plausibleToken(token)) return { ok: false, reason: "invalid" };
    const hash = hashToken(token);
    if (!this.enabled) return judgeToken(await tokenRowByHash(this.db, hash));
    // The first check waits for the LISTEN to be in place (once per process), so it can keep its row.
    if (!this.listening) await this.startListening();
    const cached = this.listening ? this.rows.get(hash) : undefined;
    if (cached) return judgeToken(cached);
    // A revocation of this token heard while its row was read may be newer than the row: then
    // it is not kept. (Other tokens' revocations do not matter: several gateways and test files
    // share a database, and each of them would otherwise keep a busy cache from filling.)
    const epoch = this.epoch;
    const listeningBefore = this.listening;
    const row = await tokenRowByHash(this.db, hash);
    const check = judgeToken(row);
    if (check.ok && listeningBefore && this.listening && !this.movedSince(epoch, row!.id)) this.rows.set(hash, row!);
    return check;
  }

  /** Drops a token's entry (its revocation, re-dating or deletion was heard). */
  forget(tokenId: number): void {
    this.move(tokenId);
    for (const [hash, row] of this.rows.entries()) if (row.id === tokenId) this.rows.delete(hash);
  }

  private move(tokenId: number | null): void {
    this.heard.push({ epoch: ++this.epoch, tokenId });
    if (this.heard.length > HEARD_MAX) this.heard.shift();
  }

  /** Whether this token's revocation, or a lost connection, was heard after `epoch`. */
  private movedSince(epoch: number, tokenId: number): boolean {
    if (this.epoch === epoch) return false;
    // The moves since then are no longer all remembered: assume the worst.
    if (this.heard[0]!.epoch > epoch + 1) return true;
    return this.heard.some((h) => h.epoch > epoch && (h.tokenId === null || h.tokenId === tokenId));
  }

  private startListening(): Promise<unknown> {
    if (this.retry) return Promise.resolve();
    this.listener ??= this.db
      .listen([CHANNELS.access], {
        onNotification: (_channel, payload) => {
          if (payload.startsWith("token:")) this.forget(Number(payload.slice("token:".length)));
        },
        onLost: () => {
          this.move(null);
          this.listening = false;
          this.rows.clear();
        },
        onReconnect: () => {
          this.move(null);
          this.rows.clear();
          this.listening = true;
        },
      })
      .then(
        (listening) => {
          this.listening = true;
          return listening;
        },
        (err: Error) => {
          this.logger.warn({ err: err.message }, "token cache cannot listen for revocations: tokens are read every time");
          this.listener = null;
          this.retry = setTimeout(() => (this.retry = null), RETRY_MS);
          this.retry.unref();
          return null;
        },
      );
    return this.listener;
  }
}

const caches = new WeakMap<Database, TokenCache>();

/** One cache (and one listening connection) per database, closed with it. */
export function tokenCacheOf(db: Database, logger: Logger, options: TokenCacheOptions): TokenCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new TokenCache(db, logger, options)));
  return cache;
}
