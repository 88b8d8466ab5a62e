import type { Logger } from "../logger.ts";
import { CHANNELS } from "./notifications.ts";

/** A NOTIFY longer than this becomes "*" (every listener catches up): PostgreSQL refuses 8,000 bytes. */
const MAX_PAYLOAD = 7_000;
/** At most one notice per this many ms: under load, one notice carries the movements of many commits. */
const COALESCE_MS = 10;

export type LedgerPublisher = {
  /** Entries up to `newestEntryId` of this wallet have committed: tell every gateway (soon, not now). */
  moved(walletId: number, newestEntryId: number): void;
  /** Sends what is still pending (the process is stopping). */
  flush(): Promise<void>;
};

/**
 * Tells every gateway on the database which wallets moved, after the money transaction has
 * committed: never from inside it, where a NOTIFY would take PostgreSQL's cluster-wide commit lock
 * for every money commit. Movements that commit while a notice is on its way, or within 10 ms of the
 * last one, are coalesced into the next ("walletId:newestEntryId,..." as the ledger channel always
 * carried): at most 100 tiny notice transactions a second per process, whatever the load. A lost notice
 * costs latency only: every hub also catches up from the ledger on a timer (wallet-event-hub.ts).
 */
export function ledgerPublisher(notify: (channel: string, payload: string) => Promise<void>, logger: Logger): LedgerPublisher {
  const pending = new Map<number, number>();
  let sending: Promise<void> | null = null;

  let lastSent = 0;
  const send = async (): Promise<void> => {
    while (pending.size > 0) {
      const wait = lastSent + COALESCE_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastSent = Date.now();
      const pairs = [...pending].map(([walletId, newest]) => `${walletId}:${newest}`).join(",");
      pending.clear();
      try {
        await notify(CHANNELS.ledger, pairs.length > MAX_PAYLOAD ? "*" : pairs);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, "live events: cannot publish moved wallets (subscribers catch up)");
      }
    }
  };

  // A movement told between the sender's last look at `pending` and its end starts the next one.
  const start = (): void => {
    sending ??= send().finally(() => {
      sending = null;
      if (pending.size > 0) start();
    });
  };

  return {
    moved(walletId, newestEntryId) {
      pending.set(walletId, Math.max(newestEntryId, pending.get(walletId) ?? 0));
      start();
    },
    flush: async () => {
      while (sending) await sending;
    },
  };
}
