import type { LedgerType } from "../../generated/prisma/enums.ts";
import { eventsQueued, eventStreamsEnded } from "../../metrics/domain-metrics.ts";
import type { Viewer } from "../accounts/viewer.ts";
import type { LedgerRow } from "../ledger/ledger-query.ts";
import { encodePosition } from "./event-position.ts";
import type { FeedEntry, WatchedWallet } from "./ledger-feed.ts";

export type EventKind = "walletUpdated" | "transactionAdded";
export type EventScope = "VIEWER" | "GROUP";

/** A wallet's buckets right after one movement. */
export type WalletUpdate = {
  kind: "walletUpdated";
  eventId: string;
  accountId: number;
  currencyId: number;
  available: bigint;
  hold: bigint;
  pending: bigint;
  cause: LedgerType;
  at: Date;
};
/** One visible ledger entry. */
export type TransactionAdded = { kind: "transactionAdded"; eventId: string; accountId: number; transaction: LedgerRow };

/** Why a stream ended before its client closed it. */
export type EndReason = "TOKEN_REVOKED" | "TOKEN_EXPIRED" | "SLOW_CONSUMER" | "SHUTTING_DOWN";
export type StreamEnded = { kind: "ended"; reason: EndReason };

export type StreamItem = WalletUpdate | TransactionAdded | StreamEnded;

/**
 * One subscription: turns the ledger entries the hub hands it into events of its kind, for
 * its wallets only, each exactly once (per wallet, nothing at or before its position), and
 * queues them for the client. A burst (a hold release of hundreds of sales is one movement)
 * may exceed `queueEvents` for up to `slowConsumerMs` while the client drains it; a client that
 * stays behind longer, or falls ten times the limit behind, is dropped (its queue freed, one
 * SLOW_CONSUMER error, then the end) rather than buffered without bound. A resume's replay is
 * allowed on top. While it opens, what the hub hands it waits until the replay is in.
 */
export class EventStream implements AsyncIterableIterator<StreamItem> {
  readonly wallets = new Map<number, WatchedWallet>();
  private readonly position = new Map<number, number>();
  private queue: StreamItem[] = [];
  private buffered: FeedEntry[] | null = [];
  private wake: (() => void) | null = null;
  /** Replayed events still at the head of the queue (not counted against the limit). */
  private replayLeft = 0;
  private slowTimer: NodeJS.Timeout | null = null;
  private finished = false;
  private ending = false;
  expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly kind: EventKind,
    readonly scope: EventScope,
    private readonly backlog: { queueEvents: number; slowConsumerMs: number },
    private readonly onClose: (stream: EventStream) => void,
  ) {}

  get closed(): boolean {
    return this.finished || this.ending;
  }

  /** Starts (or stops) following a wallet; a new one is followed from `from` on. */
  follow(wallet: WatchedWallet, from: number): void {
    this.wallets.set(wallet.walletId, wallet);
    this.position.set(wallet.walletId, from);
  }

  unfollow(walletId: number): void {
    this.wallets.delete(walletId);
    this.position.delete(walletId);
  }

  /** Entries of the stream's wallets, oldest first (others and already-seen ones are skipped). */
  accept(entries: readonly FeedEntry[]): void {
    if (this.closed) return;
    if (this.buffered) this.buffered.push(...entries);
    else this.deliver(entries);
  }

  /** The replay is in: hand it out, then whatever arrived live meanwhile. */
  goLive(replayed: readonly FeedEntry[]): void {
    const live = this.buffered ?? [];
    this.buffered = null;
    this.deliver(replayed);
    this.replayLeft = this.queue.length;
    this.deliver(live.sort((a, b) => a.id - b.id));
  }

  /** Ends the stream: nothing queued is delivered any more, the client gets `reason` last. */
  end(reason: EndReason): void {
    if (this.closed) return;
    eventStreamsEnded.inc({ reason: reason.toLowerCase() });
    this.ending = true;
    this.queue = [{ kind: "ended", reason }];
    this.replayLeft = 0;
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.buffered = null;
    this.onClose(this);
    this.wake?.();
  }

  private deliver(entries: readonly FeedEntry[]): void {
    // walletUpdated: one event per movement, after its last entry here.
    const lastOfMovement = new Map<string, number>();
    if (this.kind === "walletUpdated") for (const e of entries) lastOfMovement.set(e.movementId, e.id);
    for (const entry of entries) {
      const wallet = this.wallets.get(entry.walletId);
      const seen = this.position.get(entry.walletId);
      if (!wallet || seen === undefined || entry.id <= seen) continue;
      this.position.set(entry.walletId, entry.id);
      if (this.kind === "transactionAdded") {
        if (entry.visible)
          this.push({ kind: "transactionAdded", eventId: this.eventId(), accountId: wallet.accountId, transaction: entry });
      } else if (lastOfMovement.get(entry.movementId) === entry.id) {
        this.push({
          kind: "walletUpdated",
          eventId: this.eventId(),
          accountId: wallet.accountId,
          currencyId: wallet.currencyId,
          available: entry.availableAfter,
          hold: entry.holdAfter,
          pending: entry.pendingAfter,
          cause: entry.type,
          at: entry.createdAt,
        });
      }
      if (this.closed) return;
    }
  }

  private eventId(): string {
    return encodePosition(this.position);
  }

  private push(item: StreamItem): void {
    const behind = this.queue.length - this.replayLeft;
    if (behind >= this.backlog.queueEvents * 10) {
      this.end("SLOW_CONSUMER");
      return;
    }
    this.queue.push(item);
    eventsQueued.inc({ kind: this.kind });
    if (behind + 1 > this.backlog.queueEvents && !this.slowTimer) {
      this.slowTimer = setTimeout(() => {
        this.slowTimer = null;
        if (this.queue.length - this.replayLeft > this.backlog.queueEvents) this.end("SLOW_CONSUMER");
      }, this.backlog.slowConsumerMs);
      this.slowTimer.unref();
    }
    this.wake?.();
  }

  async next(): Promise<IteratorResult<StreamItem>> {
    for (;;) {
      const item = this.queue.shift();
      if (item) {
        if (this.replayLeft > 0) this.replayLeft--;
        if (this.slowTimer && this.queue.length - this.replayLeft <= this.backlog.queueEvents) {
          clearTimeout(this.slowTimer);
          this.slowTimer = null;
        }
        if (item.kind === "ended") this.finish();
        return { done: false, value: item };
      }
      if (this.finished || this.ending) {
        this.finish();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** The client went away (or the server ends the stream): unregister at once. */
  async return(): Promise<IteratorResult<StreamItem>> {
    this.finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue = [];
    this.buffered = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.onClose(this);
    this.wake?.();
  }
}
