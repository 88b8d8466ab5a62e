import type pg from "pg";
import type { Logger } from "../logger.ts";

/**
 * A window of one key: its end, the total last heard from the store (every gateway), what this
 * process added since (sent by the next sync when touched), and when this process last used it.
 */
type Counter = { windowEnd: number; shared: number; pending: number; touched: boolean; usedAt: number };

export type Window = { key: string; limit: number; windowMs: number };
export type Count = { count: number; limit: number; resetMs: number };

/** Rows of these counters in `rate_limits` (the table rate-limiter-flexible's login limits use too). */
const PREFIX = "w:";

/** Adds the points of $1..$3 (a window that ended starts again) and reads the totals of the keys in $5 too. */
const SYNC = `
  WITH added AS (
    INSERT INTO rate_limits AS r (key, points, expire)
    SELECT * FROM unnest($1::varchar[], $2::int[], $3::bigint[])
    ON CONFLICT (key) DO UPDATE SET
      points = CASE WHEN r.expire IS NULL OR r.expire <= $4 THEN EXCLUDED.points ELSE r.points + EXCLUDED.points END,
      expire = CASE WHEN r.expire IS NULL OR r.expire <= $4 THEN EXCLUDED.expire ELSE r.expire END
    RETURNING key, points, expire)
  SELECT key, points, expire FROM added
  UNION ALL
  SELECT key, points, expire FROM rate_limits WHERE key = ANY($5::varchar[]) AND expire > $4`;
const SWEEP = `DELETE FROM rate_limits WHERE key LIKE '${PREFIX}%' AND expire <= $1`;
const SWEEP_EVERY_MS = 60_000;
/** Keys used this recently are read back at every sync even when this process added nothing. */
const READ_BACK_MS = 60_000;

/**
 * Fixed-window counters decided in this process, with no store round trip on the request path.
 * A window starts at a key's first point and lasts windowMs (as rate-limiter-flexible's do). With a
 * PostgreSQL store, every `intervalMs` one statement adds what this process counted for every key
 * it touched and reads back the totals of all gateways (and the window's end, the first gateway's)
 * for every key it used in the last minute, so several gateways spend one budget. Each gateway
 * decides on the total it last heard plus its own points: a key can overshoot its limit by at most
 * what the other gateways admit for it within one interval (never more than (gateways - 1) x
 * limit), and a gateway that had not used a key for a minute decides its first request alone.
 * Without a store (the embedded database: one process) the counts are exact.
 */
export class WindowCounters {
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private lastSweep = Date.now();

  constructor(private readonly store: { pool: pg.Pool; intervalMs: number; logger: Logger } | null) {}

  /**
   * Spends `points` on every window if each has room for them, else on none. Answers each window's
   * count afterwards (the count that refused, when refused).
   */
  take(windows: Window[], points: number, now = Date.now()): { allowed: boolean; counts: Count[] } {
    const counters = windows.map((w) => this.counter(w, now));
    const allowed = counters.every((c, i) => c.shared + c.pending + points <= windows[i]!.limit);
    for (const c of counters) {
      if (allowed) this.add(c, points);
      c.usedAt = now;
    }
    this.schedule();
    return {
      allowed,
      counts: counters.map((c, i) => ({ count: c.shared + c.pending, limit: windows[i]!.limit, resetMs: c.windowEnd - now })),
    };
  }

  /** Adds points whatever the limit (a failure to count). */
  record(window: Window, points: number, now = Date.now()): void {
    const c = this.counter(window, now);
    this.add(c, points);
    c.usedAt = now;
    this.schedule();
  }

  /** The window's count as this process knows it (the next sync reads every gateway's total for it). */
  peek(window: Window, now = Date.now()): Count {
    const c = this.counter(window, now);
    c.usedAt = now;
    this.schedule();
    return { count: c.shared + c.pending, limit: window.limit, resetMs: c.windowEnd - now };
  }

  /** Sends what this process counted since the last sync and takes back every gateway's totals. */
  async sync(now = Date.now()): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = this.syncOnce(now).finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async syncOnce(now: number): Promise<void> {
    for (const [key, c] of this.counters) if (c.windowEnd <= now) this.counters.delete(key);
    if (!this.store) return;
    // Sorted: every gateway upserts in one key order, so two syncs never deadlock.
    const batch = [...this.counters]
      .filter(([, c]) => c.touched || now - c.usedAt <= READ_BACK_MS)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    if (batch.length === 0) return;
    const sent = batch.map(([key, c]) => ({ key, c, points: c.touched ? c.pending : 0, adds: c.touched }));
    for (const { c } of sent) c.touched = false;
    const adds = sent.filter((s) => s.adds);
    try {
      const { rows } = await this.store.pool.query<{ key: string; points: number; expire: string }>(SYNC, [
        adds.map((s) => PREFIX + s.key),
        adds.map((s) => s.points),
        adds.map((s) => s.c.windowEnd),
        now,
        sent.filter((s) => !s.adds).map((s) => PREFIX + s.key),
      ]);
      const byKey = new Map(rows.map((r) => [r.key.slice(PREFIX.length), r]));
      for (const { key, c, points } of sent) {
        const row = byKey.get(key);
        if (!row || this.counters.get(key) !== c) continue;
        c.pending -= points;
        c.shared = row.points;
        c.windowEnd = Number(row.expire);
      }
      if (now - this.lastSweep >= SWEEP_EVERY_MS) {
        this.lastSweep = now;
        await this.store.pool.query(SWEEP, [now]);
      }
    } catch (err) {
      for (const s of sent) if (s.adds) s.c.touched = true; // sent with the next sync
      this.store.logger.warn({ err: (err as Error).message }, "rate limits: cannot share counts with the other gateways yet");
    }
  }

  private counter(window: Window, now: number): Counter {
    let c = this.counters.get(window.key);
    if (!c || c.windowEnd <= now) {
      c = { windowEnd: now + window.windowMs, shared: 0, pending: 0, touched: false, usedAt: now };
      this.counters.set(window.key, c);
    }
    return c;
  }

  private add(c: Counter, points: number): void {
    c.pending += points;
    c.touched = true;
  }

  private schedule(): void {
    if (this.store && !this.timer) {
      this.timer = setInterval(() => void this.sync(), this.store.intervalMs);
      this.timer.unref();
    }
  }
}
