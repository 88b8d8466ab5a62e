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
    await this.enter(key);
    try {
      return await work();
    } finally {
      this.leave(key);
    }
  }

  private enter(key: string): Promise<void> {
    const lane = this.lanes.get(key) ?? { busy: false, waiting: [] };
    this.lanes.set(key, lane);
    if (!lane.busy) {
      lane.busy = true;
      return Promise.resolve();
    }
    if (lane.waiting.length >= this.maxWaiting || this.timeoutMs === 0) return Promise.reject(new WalletBusyError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          lane.waiting.splice(lane.waiting.indexOf(waiter), 1);
          reject(new WalletBusyError());
        }, this.timeoutMs),
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
