import type { Logger } from "../logger.ts";
import { type Database, openDatabase } from "./database.ts";
import { parseLsn } from "./lsn.ts";
import type { PostgresOptions } from "./postgres.ts";

export type ReplicaOptions = {
  urls: readonly string[];
  /** A replica further behind than this is skipped (its reads go to the primary). */
  maxLagMs: number;
  /** How often the primary's and each replica's positions are read. */
  pollMs: number;
};

export type ReplicaState = {
  location: string;
  /** Null until it answered once, and while it does not answer. */
  lagMs: number | null;
  replayLsn: bigint | null;
  usable: boolean;
};

type Replica = { db: Database; replayLsn: bigint | null; lagMs: number | null; answered: boolean };
/** The primary's position at a moment (the lag of a replica is the age of the oldest it has not replayed). */
type Sample = { at: number; lsn: bigint };

/**
 * Streaming standbys for reads. Every `pollMs` one statement on the primary reads its WAL
 * position and one per replica its replay position; a replica's lag is how long ago the
 * primary wrote the oldest position it has not replayed (0 when it has replayed everything the
 * primary had written at the last reading). `pick` hands out a replica that is no further
 * behind than `maxLagMs` and has replayed at least a given position (a client's last write),
 * or null: the read goes to the primary. Nothing is asked of the database on the request path.
 */
export class ReadReplicas {
  private readonly replicas: Replica[];
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private next = 0;

  private constructor(
    private readonly primary: Database,
    dbs: Database[],
    private readonly options: ReplicaOptions,
    private readonly logger: Logger,
  ) {
    this.replicas = dbs.map((db) => ({ db, replayLsn: null, lagMs: null, answered: false }));
  }

  static async open(
    primary: Database,
    options: ReplicaOptions,
    connection: Omit<PostgresOptions, "url">,
    logger: Logger,
  ): Promise<ReadReplicas> {
    const dbs = await Promise.all(options.urls.map((url) => openDatabase({ kind: "postgres", ...connection, url }, logger)));
    const replicas = new ReadReplicas(primary, dbs, options, logger);
    await replicas.poll();
    // A reading that outlasts the interval (a replica that hangs until its connect timeout) is not doubled.
    let polling = false;
    replicas.timer = setInterval(() => {
      if (polling) return;
      polling = true;
      void replicas.poll().finally(() => (polling = false));
    }, options.pollMs);
    replicas.timer.unref();
    return replicas;
  }

  /** A replica that has replayed `atLeast` (when given) and lags at most maxLagMs; null: use the primary. */
  pick(atLeast: bigint | null): Database | null {
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length]!;
      if (!this.usable(r)) continue;
      if (atLeast !== null && (r.replayLsn === null || r.replayLsn < atLeast)) continue;
      this.next = (this.next + i + 1) % this.replicas.length;
      return r.db;
    }
    return null;
  }

  /** The primary's current WAL position: at or after the commit of any write it acknowledged before. */
  async primaryPosition(): Promise<bigint | null> {
    const [row] = await this.primary.query<{ lsn: string }>({ text: "SELECT pg_current_wal_lsn()::text AS lsn", values: [] });
    return parseLsn(row?.lsn);
  }

  /** A read found the replica gone: skipped until it answers a poll again. */
  unavailable(db: Database): void {
    const r = this.replicas.find((candidate) => candidate.db === db);
    if (!r?.answered) return;
    this.logger.warn({ replica: r.db.location }, "read replica skipped: a read could not reach it");
    r.answered = false;
    r.lagMs = null;
  }

  states(): ReplicaState[] {
    return this.replicas.map((r) => ({
      location: r.db.location,
      lagMs: r.lagMs,
      replayLsn: r.replayLsn,
      usable: this.usable(r),
    }));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.replicas.map((r) => r.db.close()));
  }

  private usable(r: Replica): boolean {
    return r.answered && r.lagMs !== null && r.lagMs <= this.options.maxLagMs;
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    const primaryLsn = await this.primaryPosition().catch((err: unknown) => {
      this.logger.warn({ err: (err as Error).message }, "read replicas: cannot read the primary's position");
      return null;
    });
    if (primaryLsn !== null) {
      const last = this.samples.at(-1);
      if (!last || last.lsn !== primaryLsn) this.samples.push({ at: now, lsn: primaryLsn });
      // Enough history to measure a lag a little past the limit; older positions are replayed or too old.
      const horizon = now - Math.max(this.options.maxLagMs * 4, 60_000);
      while (this.samples.length > 1 && this.samples[0]!.at < horizon) this.samples.shift();
    }
    await Promise.all(this.replicas.map((r) => this.pollReplica(r, now)));
  }

  private async pollReplica(r: Replica, now: number): Promise<void> {
    try {
      const [row] = await r.db.query<{ lsn: string | null }>({
        text: "SELECT pg_last_wal_replay_lsn()::text AS lsn",
        values: [],
      });
      const replayed = parseLsn(row?.lsn);
      if (replayed === null) throw new Error("not a standby (pg_last_wal_replay_lsn() is null)");
      if (!r.answered) this.logger.info({ replica: r.db.location }, "read replica answers");
      r.answered = true;
      r.replayLsn = replayed;
      const oldestMissing = this.samples.find((s) => s.lsn > replayed);
      r.lagMs = oldestMissing ? now - oldestMissing.at : 0;
    } catch (err) {
      if (r.answered)
        this.logger.warn({ replica: r.db.location, err: (err as Error).message }, "read replica skipped: it does not answer");
      r.answered = false;
      r.lagMs = null;
    }
  }
}
