import { WalletBusyError } from "../../db/unavailable.ts";

type Waiter = { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout };
type Lane = { busy: boolean; waiting: Waiter[] };

/**
 * One money movement at a time per wallet in this process, the others waiting in memory
 * (not holding database connections) for at most `timeoutMs`, then answering 409 with
 * Retry-After. A thousand requests on one hot wallet thus hold one pooled connection, not
 * all of them, and other accounts keep theirs. Across processes the database's bounded
 * lock wait (lock_timeout) does the same.
 */
export class WalletLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private timeoutMs = 2_000,
    private readonly maxWaiting = 500,
  ) {}

  configure({ timeoutMs }: { timeoutMs: number }): void {
    this.timeoutMs = timeoutMs;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.runAll([key], work);
  }

  /**
   * The same for work that locks several wallets (a batch): their lanes are taken in one order
   * (sorted), so two such holders never wait for each other crosswise, within one wait in all.
   */
  async runAll<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const deadline = Date.now() + this.timeoutMs;
    const held: string[] = [];
    try {
      for (const key of sorted) {
        await this.enter(key, deadline);
        held.push(key);
      }
      return await work();
    } finally {
      for (const key of held) this.leave(key);
    }
  }

  private enter(key: string, deadline: number): Promise<void> {
    const lane = this.lanes.get(key) ?? { busy: false, waiting: [] };
    this.lanes.set(key, lane);
    if (!lane.busy) {
      lane.busy = true;
      return Promise.resolve();
    }
    const wait = deadline - Date.now();
    if (lane.waiting.length >= this.maxWaiting || wait <= 0) return Promise.reject(new WalletBusyError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          lane.waiting.splice(lane.waiting.indexOf(waiter), 1);
          reject(new WalletBusyError());
        }, wait),
      };
      lane.waiting.push(waiter);
    });
  }

  private leave(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    const next = lane.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(); // the lane stays busy: handed straight to the next in line
    } else {
      this.lanes.delete(key);
    }
  }
}

/** The process's lanes (their wait is set once at start from WALLET_QUEUE_TIMEOUT_MS). */
export const walletLanes = new WalletLanes();
