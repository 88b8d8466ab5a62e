import type { Database } from "../../db/database.ts";
import { RequestInProgressError, unavailableReason } from "../../db/unavailable.ts";
import { idempotencyReplays } from "../../metrics/domain-metrics.ts";
import { BusyError } from "../errors.ts";
import { type LedgerRow, ledgerRow } from "../ledger/ledger-query.ts";
import { moneyLimits } from "../money-limits.ts";
import { type Json, keyedHash, rebuildError, replay, type Stored, type StoredError } from "./idempotency-outcome.ts";
import { rememberCurrency } from "./wallet-keys.ts";
import { walletLanes } from "./wallet-lanes.ts";

/** The kinds wallet_move knows (prisma/migrations/*_movements_in_one_call): one SQL function each. */
export type MovementKind = "sale" | "adjust" | "reverse" | "cashout" | "settle" | "release";

export type Movement = {
  kind: MovementKind;
  /** What the kind's SQL function reads (validated by the service first). */
  args: Record<string, unknown>;
  /** Idempotency: whose key, for which operation, and the input it stands for (hashed). Null key: none. */
  caller: number;
  operation: string;
  key: string | null;
  input: unknown;
  /** The wallet it locks first: the movement waits in this process's lane for it (null: unknown). */
  walletId: number | null;
};

/** A movement's result, and the entries it wrote (none when it was a replay). */
export type Moved<T> = { result: T; entries: LedgerRow[] };

type Answer =
  | { ok: Json; entries: (Omit<LedgerRow, "createdAt"> & { createdAt: string; visible: boolean; currencyId: number })[] }
  | { error: StoredError }
  | { replay: Stored }
  | { inProgress: true };

const MOVE = "SELECT wallet_move($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) AS answer";

/**
 * Runs one money movement as one statement (`wallet_move`, its own transaction): idempotency
 * claim or replay, locks, entries, buckets, counters and rollups, committed together or not at
 * all. Waits first in the wallet's lane (so a thousand requests on one hot wallet hold one pooled
 * connection), then tells every gateway which wallets moved. A domain error comes back as the
 * same typed error, recorded and replayed like a result.
 */
export async function move<T>(db: Database, movement: Movement): Promise<Moved<T>> {
  const hash = keyedHash(movement.key, movement.input);
  const run = async () => {
    const [row] = await db.query<{ answer: Answer }>({
      text: MOVE,
      values: [
        movement.caller,
        movement.operation,
        movement.key,
        hash,
        movement.kind,
        JSON.stringify(movement.args),
        JSON.stringify(limitsArg()),
      ],
    });
    return row!.answer;
  };
  const answer = movement.walletId === null ? await run() : await walletLanes.run(`wallet:${movement.walletId}`, run);
  return outcome<T>(db, movement.operation, answer);
}

export type BatchItem = Pick<Movement, "key" | "input" | "args" | "walletId">;

const MOVE_BATCH = "SELECT wallet_move_batch($1, $2, $3, $4::jsonb, $5::jsonb) AS answers";
/**
 * A batch runs as this many statements at once, its items split by wallet id: two batches that
 * share wallets (a service's batches nearly always do) then queue per part instead of one behind
 * the whole of the other, and both cores work.
 */
const BATCH_PARTS = 4;

/**
 * Many movements of one kind in a few statements and commits (wallet_move_batch: one per part of
 * the wallets), each item idempotent by its own key, each answered in input order: its result, or
 * the domain error it stands for (the other items are still written). Each part's items run sorted
 * by wallet, inside the lanes of every wallet they lock. A part whose wallets stayed busy past the
 * wait (a lane, a lock) answers each of its items BusyError and writes none of them. Any other
 * error fails the call once every part has finished: the parts that committed replay on a retry,
 * so a retry of the batch is safe.
 */
export async function moveBatch<T>(
  db: Database,
  batch: { kind: MovementKind; caller: number; operation: string; items: BatchItem[] },
): Promise<(Moved<T> | Error)[]> {
  const hashes = batch.items.map((item) => keyedHash(item.key, item.input));
  const parts = new Map<number, number[]>();
  for (const [i, item] of batch.items.entries()) {
    const part = (item.walletId ?? 0) % BATCH_PARTS;
    parts.set(part, [...(parts.get(part) ?? []), i]);
  }
  const results: (Moved<T> | Error)[] = new Array(batch.items.length);
  const settled = await Promise.allSettled([...parts.values()].map((indices) => runPart(indices)));
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  const inProgress = results.find((r) => r instanceof RequestInProgressError);
  if (inProgress) throw inProgress; // the others committed: the retry replays them
  return results;

  async function runPart(indices: number[]): Promise<void> {
    const order = [...indices].sort((a, b) => (batch.items[a]!.walletId ?? 0) - (batch.items[b]!.walletId ?? 0));
    const items = order.map((i) => ({ key: batch.items[i]!.key, hash: hashes[i], args: batch.items[i]!.args }));
    const lanes = [
      ...new Set(order.flatMap((i) => (batch.items[i]!.walletId === null ? [] : [`wallet:${batch.items[i]!.walletId}`]))),
    ];
    let answers: Answer[];
    try {
      answers = await walletLanes.runAll(lanes, async () => {
        const [row] = await db.query<{ answers: Answer[] }>({
          text: MOVE_BATCH,
          values: [batch.caller, batch.operation, batch.kind, JSON.stringify(items), JSON.stringify(limitsArg())],
        });
        return row!.answers;
      });
    } catch (err) {
      // Contention fails this part's items (each a BusyError: retry it), not the whole batch.
      const busy = unavailableReason(err);
      if (busy?.status !== 409) throw err;
      for (const i of order) results[i] = new BusyError(busy.retryAfterSeconds);
      return;
    }
    order.forEach((original, k) => {
      try {
        results[original] = outcome<T>(db, batch.operation, answers[k]!);
      } catch (err) {
        results[original] = err as Error;
      }
    });
  }
}

/** The money bounds as wallet_move takes them. */
export const limitsArg = () => ({ maxMovement: moneyLimits().maxMovementMinor, maxBucket: moneyLimits().maxBucketMinor });

/** An answer of wallet_move made a result (its moved wallets told to every gateway) or the error it stands for. */
function outcome<T>(db: Database, operation: string, answer: Answer): Moved<T> {
  if ("inProgress" in answer) throw new RequestInProgressError();
  if ("error" in answer) throw rebuildError(answer.error);
  if ("replay" in answer) {
    idempotencyReplays.inc({ operation });
    return { result: replay(answer.replay) as T, entries: [] };
  }
  for (const e of answer.entries) rememberCurrency(db, e.walletId, e.currencyId);
  const entries = answer.entries.map((e) => ledgerRow({ ...e, createdAt: new Date(e.createdAt) }));
  published(db, entries);
  return { result: answer.ok as T, entries };
}

/** Tells every gateway that these entries committed (their wallets' newest ids). */
export function published(db: Database, entries: readonly { walletId: number; id: number }[]): void {
  const newest = new Map<number, number>();
  for (const e of entries) newest.set(e.walletId, Math.max(e.id, newest.get(e.walletId) ?? 0));
  for (const [walletId, id] of newest) db.ledger.moved(walletId, id);
}

/** wallet_cashout's refusal when the balance it decided on changed before the lock (SQLSTATE WL002). */
export const isStale = (err: unknown): boolean => (err as { code?: string } | null)?.code === "WL002";
