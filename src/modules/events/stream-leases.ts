import { randomUUID } from "node:crypto";
import type { Database } from "../../db/database.ts";
import type { Logger } from "../../logger.ts";

/** A place taken under a token's cap on open streams; given back when its stream ends. */
export type Lease = { release(): void };

/** Counts each token's open event streams against its cap. */
export interface StreamLeases {
  /** A lease for one more stream of the token, or null when it already has `cap` open. */
  acquire(tokenId: number, cap: number): Promise<Lease | null>;
  /** Gives back every lease this process holds (it is stopping). */
  close(): Promise<void>;
}

/** The embedded database has one process: the count lives in it. */
export class LocalStreamLeases implements StreamLeases {
  private readonly open = new Map<number, number>();

  acquire(tokenId: number, cap: number): Promise<Lease | null> {
    const held = this.open.get(tokenId) ?? 0;
    if (held >= cap) return Promise.resolve(null);
    this.open.set(tokenId, held + 1);
    let released = false;
    return Promise.resolve({
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(tokenId) ?? 1) - 1;
        if (left > 0) this.open.set(tokenId, left);
        else this.open.delete(tokenId);
      },
    });
  }

  close(): Promise<void> {
    this.open.clear();
    return Promise.resolve();
  }
}

/**
 * On a PostgreSQL server, the leases of every gateway in one table, so a token's cap holds
 * whichever gateways its streams reach (`event_stream_lease`: one statement per stream opened,
 * one per stream closed). The gateway's own row says it is alive: renewed every third of
 * `ttlMs` while it holds a lease, deleted with its leases when it stops. A gateway killed
 * without stopping stops counting `ttlMs` after its last renewal, and any gateway's next
 * renewal deletes it. A release that fails is retried with the next renewal.
 */
export class SharedStreamLeases implements StreamLeases {
  private readonly gatewayId = randomUUID();
  /** Lease id -> token, for the leases this process holds. */
  private readonly held = new Map<string, number>();
  private readonly unreleased = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly ttlMs: number,
  ) {}

  async acquire(tokenId: number, cap: number): Promise<Lease | null> {
    const id = randomUUID();
    const [row] = await this.db.query<{ taken: boolean }>({
      text: `SELECT event_stream_lease($1::uuid, $2::int, $3::uuid, $4::int, $5::int) AS taken`,
      values: [id, tokenId, this.gatewayId, cap, this.ttlMs],
    });
    if (!row?.taken) return null;
    if (this.closed) {
      void this.delete([id]);
      return null;
    }
    this.held.set(id, tokenId);
    this.renewEvery();
    return { release: () => this.release(id) };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.held.clear();
    this.unreleased.clear();
    try {
      await this.db.query({ text: `DELETE FROM event_stream_gateways WHERE id = $1::uuid`, values: [this.gatewayId] });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "live events: cannot give back stream leases; they expire by themselves");
    }
  }

  private release(id: string): void {
    if (!this.held.delete(id) || this.closed) return;
    void this.delete([id]);
  }

  private async delete(ids: string[]): Promise<void> {
    try {
      await this.db.query({ text: `DELETE FROM event_stream_leases WHERE id = ANY($1::uuid[])`, values: [ids] });
      for (const id of ids) this.unreleased.delete(id);
    } catch (err) {
      for (const id of ids) this.unreleased.add(id);
      this.renewEvery();
      this.logger.warn({ err: (err as Error).message }, "live events: cannot give back a stream lease, retrying");
    }
  }

  private renewEvery(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Keeps this gateway alive (and sweeps dead ones), retries failed releases; idles when it holds nothing. */
  private async renew(): Promise<void> {
    if (this.held.size === 0 && this.unreleased.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    try {
      if (this.unreleased.size > 0) await this.delete([...this.unreleased]);
      if (this.held.size === 0) return;
      const [row] = await this.db.query<{ swept: boolean }>({
        text: `SELECT event_stream_renew($1::uuid, $2::int) AS swept`,
        values: [this.gatewayId, this.ttlMs],
      });
      if (row?.swept) await this.relet();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "live events: cannot renew stream leases, retrying");
    }
  }

  /** This gateway was taken for dead (a pause longer than the TTL): its open streams count again. */
  private async relet(): Promise<void> {
    const leases = [...this.held];
    await this.db.query({
      text: `INSERT INTO event_stream_leases (id, token_id, gateway_id)
             SELECT id, token_id, $3::uuid FROM unnest($1::uuid[], $2::int[]) AS l(id, token_id)
             ON CONFLICT (id) DO NOTHING`,
      values: [leases.map(([id]) => id), leases.map(([, token]) => token), this.gatewayId],
    });
    // A stream that ended meanwhile gave back its lease before it was taken again.
    const ended = leases.filter(([id]) => !this.held.has(id)).map(([id]) => id);
    if (ended.length > 0) await this.delete(ended);
    this.logger.warn({ leases: leases.length }, "live events: this gateway's stream leases had expired; taken again");
  }
}

/** Shared leases on a PostgreSQL server, in-process ones on the embedded database. */
export function streamLeases(db: Database, logger: Logger, ttlMs: number): StreamLeases {
  return db.kind === "postgres" ? new SharedStreamLeases(db, logger, ttlMs) : new LocalStreamLeases();
}
