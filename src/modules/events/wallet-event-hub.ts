import { GraphQLError } from "graphql";
import type { Database } from "../../db/database.ts";
import { CHANNELS, type Listening } from "../../db/notifications.ts";
import type { Viewer } from "../accounts/viewer.ts";
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from "../../limits/limits-config.ts";
import type { Logger } from "../../logger.ts";
import { eventStreamsOpen } from "../../metrics/domain-metrics.ts";
import { accountGroupOf, groupMembers } from "../accounts/account-group.service.ts";
import { ValidationError } from "../errors.ts";
import type { EventPosition } from "./event-position.ts";
import { type EndReason, type EventKind, type EventScope, EventStream } from "./event-stream.ts";
import { entriesAfter, type FeedEntry, newestEntryIds, type WatchedWallet, walletsOf } from "./ledger-feed.ts";
import { type Lease, streamLeases, type StreamLeases } from "./stream-leases.ts";

const FETCH_LIMIT = 500;
const RETRY_AFTER_SECONDS = 5;
/** setTimeout's longest delay; a later expiry is looked at again then. */
const MAX_TIMER_MS = 2_147_483_647;

export type OpenRequest = { viewer: Viewer; kind: EventKind; scope: EventScope; since: EventPosition | null };

/**
 * Live wallet events for this process. Writers tell it which wallets moved (a NOTIFY each writing
 * process sends after its commit, coalesced: db/ledger-publisher.ts), and every `limits.catchUpMs` it
 * looks at each followed wallet's newest entry itself, so a writer that died between its commit
 * and its notice, or a notice lost with a connection, delays an event but never loses it. It reads
 * each moved wallet's new entries once, after the newest it has read (ids follow commit order
 * within a wallet: a movement holds the wallet's lock from its insert to its commit), and hands
 * them to every stream that follows the wallet. Link and token changes arrive by NOTIFY from
 * triggers and are re-checked here: an unlinked child's wallet leaves its former master's streams,
 * a revoked or expired token's streams end. After a lost listener connection everything is caught
 * up from the ledger. A token's cap on open streams counts its streams on every gateway of the
 * database (stream-leases.ts).
 */
export class WalletEventHub {
  private readonly streams = new Set<EventStream>();
  private readonly byWallet = new Map<number, Set<EventStream>>();
  /** Per followed wallet: the newest entry id read (or known) so far. */
  private readonly cursor = new Map<number, number>();
  private readonly dirty = new Set<number>();
  private pump: Promise<void> | null = null;
  private listening: Promise<Listening> | null = null;
  private catchUpTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly leases: StreamLeases;
  private readonly leaseOf = new Map<EventStream, Lease>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly limits: SubscriptionLimits = DEFAULT_SUBSCRIPTION_LIMITS,
  ) {
    this.leases = streamLeases(db, logger, limits.leaseTtlMs);
  }

  /** A new stream, replaying from `since` when given; refused past the limits. */
  async open(request: OpenRequest): Promise<EventStream> {
    const { viewer } = request;
    if (this.closed || this.streams.size >= this.limits.perProcess)
      throw limitReached(`This gateway serves its maximum of ${this.limits.perProcess} subscriptions: retry shortly.`);
    await this.listen();
    const lease = await this.leases.acquire(viewer.tokenId, this.limits.perToken);
    if (this.closed) {
      lease?.release();
      throw limitReached("This gateway is stopping: retry shortly.");
    }
    if (!lease)
      throw limitReached(`This token already has ${this.limits.perToken} open subscriptions (the maximum): close one first.`);
    const stream = new EventStream(viewer, request.kind, request.scope, this.limits, (s) => this.remove(s));
    this.streams.add(stream);
    this.leaseOf.set(stream, lease);
    eventStreamsOpen.inc();
    try {
      const wallets = await this.walletsFor(viewer, request.scope);
      await this.watch(stream, wallets, request.since);
      const replayFrom = new Map<number, number>();
      for (const { walletId } of wallets) {
        const since = request.since?.get(walletId);
        if (since !== undefined) replayFrom.set(walletId, since);
      }
      stream.goLive(await this.replay(replayFrom));
      await this.scheduleExpiry(stream);
      return stream;
    } catch (err) {
      await stream.return();
      throw err;
    }
  }

  /** Ends every stream (the process is stopping), gives back their leases at once, and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    // First: the ending streams then give back nothing one by one (one statement gives back all).
    const leasesGivenBack = this.leases.close();
    for (const stream of [...this.streams]) stream.end("SHUTTING_DOWN");
    const listening = this.listening;
    this.listening = null;
    if (listening) await (await listening.catch(() => null))?.close();
    await leasesGivenBack;
  }

  private listen(): Promise<Listening> {
    if (!this.catchUpTimer) {
      this.catchUpTimer = setInterval(() => void this.catchUp(), this.limits.catchUpMs);
      this.catchUpTimer.unref();
    }
    this.listening ??= this.db
      .listen(Object.values(CHANNELS), {
        onNotification: (channel, payload) => this.onNotification(channel, payload),
        onReconnect: () => {
          for (const walletId of this.byWallet.keys()) this.dirty.add(walletId);
          this.kick();
          void this.recheck("*");
        },
      })
      .catch((err: unknown) => {
        this.listening = null; // the next subscription tries again
        throw err;
      });
    return this.listening;
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === CHANNELS.access) {
      void this.recheck(payload);
      return;
    }
    if (payload === "*") {
      for (const walletId of this.byWallet.keys()) this.dirty.add(walletId);
    } else {
      for (const pair of payload.split(",")) {
        const [walletId, newest] = pair.split(":").map(Number) as [number, number];
        if (this.byWallet.has(walletId) && (this.cursor.get(walletId) ?? -1) < newest) this.dirty.add(walletId);
      }
    }
    this.kick();
  }

  /** Marks every followed wallet whose newest entry is past what was read (one statement for all). */
  private async catchUp(): Promise<void> {
    if (this.byWallet.size === 0 || this.closed) return;
    try {
      const newest = await newestEntryIds(this.db, [...this.byWallet.keys()]);
      for (const [walletId, id] of newest) if ((this.cursor.get(walletId) ?? id) < id) this.dirty.add(walletId);
      this.kick();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "live events: cannot catch up from the ledger, retrying");
    }
  }

  /** The accounts a stream covers: the viewer's own, or with GROUP a master's whole group. */
  private async walletsFor(viewer: Viewer, scope: EventScope): Promise<WatchedWallet[]> {
    if (scope === "VIEWER") return walletsOf(this.db.prisma, [viewer.accountId]);
    const group = await accountGroupOf(this.db.prisma, viewer.accountId);
    return walletsOf(this.db.prisma, groupMembers(viewer.accountId, group));
  }

  /**
   * Registers the stream on its wallets and makes it follow each from `since`, else from where
   * the wallet stands now. The cursor is read and followed in one synchronous step, so the
   * stream neither misses nor repeats what the hub hands out meanwhile.
   */
  private async watch(stream: EventStream, wallets: WatchedWallet[], since: EventPosition | null = null): Promise<void> {
    for (const { walletId } of wallets) {
      const set = this.byWallet.get(walletId) ?? new Set();
      set.add(stream);
      this.byWallet.set(walletId, set);
    }
    const unknown = wallets.map((w) => w.walletId).filter((id) => !this.cursor.has(id));
    const newest = await newestEntryIds(this.db, unknown);
    if (stream.closed) {
      for (const { walletId } of wallets) this.release(stream, walletId);
      return;
    }
    for (const [walletId, id] of newest)
      if (!this.cursor.has(walletId) && this.byWallet.has(walletId)) this.cursor.set(walletId, id);
    for (const wallet of wallets) stream.follow(wallet, since?.get(wallet.walletId) ?? this.cursor.get(wallet.walletId) ?? 0);
    // A NOTIFY may have come before the cursor was known: look once more.
    for (const id of unknown) this.dirty.add(id);
    this.kick();
  }

  private async replay(from: Map<number, number>): Promise<FeedEntry[]> {
    const entries = await entriesAfter(this.db.prisma, from, this.limits.replayMax + 1);
    const perWallet = new Map<number, number>();
    for (const e of entries) perWallet.set(e.walletId, (perWallet.get(e.walletId) ?? 0) + 1);
    if ([...perWallet.values()].some((n) => n > this.limits.replayMax))
      throw ValidationError.field(
        "since",
        `is more than ${this.limits.replayMax} entries behind: read the ledger (transactions) and subscribe again without it`,
      );
    return entries;
  }

  private remove(stream: EventStream): void {
    if (!this.streams.delete(stream)) return;
    eventStreamsOpen.dec();
    this.leaseOf.get(stream)?.release();
    this.leaseOf.delete(stream);
    if (stream.expiryTimer) clearTimeout(stream.expiryTimer);
    for (const walletId of stream.wallets.keys()) this.release(stream, walletId);
  }

  private release(stream: EventStream, walletId: number): void {
    const set = this.byWallet.get(walletId);
    set?.delete(stream);
    if (set && set.size === 0) {
      this.byWallet.delete(walletId);
      this.cursor.delete(walletId);
      this.dirty.delete(walletId);
    }
  }

  private kick(): void {
    if (this.pump || this.closed) return;
    this.pump = this.drain().finally(() => {
      this.pump = null;
      if (this.dirty.size > 0) this.kick();
    });
  }

  /** Reads every dirty wallet's new entries (one statement per round) and hands them out. */
  private async drain(): Promise<void> {
    while (this.dirty.size > 0 && !this.closed) {
      const batch = new Map<number, number>();
      for (const walletId of this.dirty) {
        const at = this.cursor.get(walletId);
        if (at !== undefined) batch.set(walletId, at);
      }
      this.dirty.clear();
      if (batch.size === 0) return;
      let entries: FeedEntry[];
      try {
        entries = await entriesAfter(this.db.prisma, batch, FETCH_LIMIT);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, "live events: cannot read new ledger entries, retrying");
        for (const walletId of batch.keys()) this.dirty.add(walletId);
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
        continue;
      }
      const perWallet = new Map<number, FeedEntry[]>();
      for (const e of entries) {
        if (!this.byWallet.has(e.walletId)) continue;
        const list = perWallet.get(e.walletId) ?? [];
        list.push(e);
        perWallet.set(e.walletId, list);
      }
      // Cursor and hand-out in one synchronous step: a stream that starts following a wallet
      // later starts from the cursor, so it never misses nor repeats an entry.
      const receivers = new Map<EventStream, FeedEntry[]>();
      for (const [walletId, list] of perWallet) {
        const cursor = this.cursor.get(walletId);
        if (cursor === undefined) continue;
        const fresh = list.filter((e) => e.id > cursor);
        if (fresh.length === 0) continue;
        this.cursor.set(walletId, fresh[fresh.length - 1]!.id);
        if (list.length >= FETCH_LIMIT) this.dirty.add(walletId);
        for (const stream of this.byWallet.get(walletId) ?? [])
          receivers.set(stream, [...(receivers.get(stream) ?? []), ...fresh]);
      }
      for (const [stream, list] of receivers) stream.accept(list.sort((a, b) => a.id - b.id));
    }
  }

  /** Re-checks access after a link or token change ("token:<id>", "group:<masterId>", "*": all). */
  private async recheck(change: string): Promise<void> {
    const [what, id] = change.split(":");
    const affected = [...this.streams].filter(
      (s) =>
        change === "*" ||
        (what === "token" && s.viewer.tokenId === Number(id)) ||
        (what === "group" && s.scope === "GROUP" && s.viewer.accountId === Number(id)),
    );
    for (const stream of affected) {
      try {
        const { ended } = await this.tokenState(stream);
        if (ended) stream.end(ended);
        else if (stream.scope === "GROUP" && what !== "token") await this.refreshGroup(stream);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, "live events: cannot re-check a subscription's access");
      }
    }
  }

  /** Why the stream's token may no longer read (null while it may), and when it expires. */
  private async tokenState(stream: EventStream): Promise<{ ended: EndReason | null; expiresAt: Date | null }> {
    const token = await this.db.prisma.apiToken.findUnique({
      where: { id: stream.viewer.tokenId },
      select: { revokedAt: true, expiresAt: true },
    });
    if (!token || token.revokedAt) return { ended: "TOKEN_REVOKED", expiresAt: null };
    if (token.expiresAt && token.expiresAt <= new Date()) return { ended: "TOKEN_EXPIRED", expiresAt: token.expiresAt };
    return { ended: null, expiresAt: token.expiresAt };
  }

  /**
   * Looks at the token once the stream is registered (a revocation that committed while it
   * opened sent its NOTIFY before anyone listened for this stream) and arms a timer for its expiry.
   */
  private async scheduleExpiry(stream: EventStream): Promise<void> {
    const { ended, expiresAt } = await this.tokenState(stream);
    if (ended) stream.end(ended);
    if (stream.expiryTimer) clearTimeout(stream.expiryTimer);
    if (!expiresAt || stream.closed) return;
    stream.expiryTimer = setTimeout(
      () => void this.recheck(`token:${stream.viewer.tokenId}`).then(() => this.scheduleExpiry(stream)),
      Math.min(Math.max(0, expiresAt.getTime() - Date.now()) + 10, MAX_TIMER_MS),
    );
    stream.expiryTimer.unref();
  }

  /** A master's group changed: follow the children it has now, drop those it lost. */
  private async refreshGroup(stream: EventStream): Promise<void> {
    const wallets = await this.walletsFor(stream.viewer, "GROUP");
    if (stream.closed) return;
    const now = new Set(wallets.map((w) => w.walletId));
    for (const walletId of [...stream.wallets.keys()]) {
      if (now.has(walletId)) continue;
      stream.unfollow(walletId);
      this.release(stream, walletId);
    }
    const added = wallets.filter((w) => !stream.wallets.has(w.walletId));
    if (added.length > 0) await this.watch(stream, added);
  }
}

/** 429 in GraphQL's envelope, like the rate limits. */
function limitReached(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "SUBSCRIPTION_LIMIT",
      retryAfter: RETRY_AFTER_SECONDS,
      http: { status: 429, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } },
    },
  });
}
