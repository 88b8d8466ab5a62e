import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { RequestInProgressError } from "../../db/unavailable.ts";
import { idempotencyReplays } from "../../metrics/domain-metrics.ts";
import { DomainError, IdempotencyConflictError } from "../errors.ts";
import { type Json, keyedHash, replay, type Stored, storedError } from "./idempotency-outcome.ts";

/** Keys live at least this long; after that a key may be used again (wallet_move's claims too: 24 hours in its SQL). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** An IN_FLIGHT claim older than this belongs to a request that died: it may be taken over. */
const ABANDONED_AFTER_MS = 60_000;

export type IdempotencyScope = {
  accountId: number;
  operation: string;
  key: string | null | undefined;
  input: unknown;
};

/**
 * The two-step claim, for the cold paths that write through Prisma (products, link views,
 * invoices); money movements claim their key inside their one statement (wallet_move). Runs
 * `work` in one transaction, at most once per (account, operation, key), as Stripe and the IETF
 * Idempotency-Key draft describe: the same key with the same input replays the first result
 * (errors included), with a different input fails with KEY_REUSED and writes nothing, and while
 * the first request runs a duplicate answers 409 with Retry-After (RequestInProgressError).
 */
export async function idempotent<T extends Json>(
  prisma: PrismaClient,
  scope: IdempotencyScope,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const hash = keyedHash(scope.key, scope.input);
  if (hash === null) return prisma.$transaction(work);
  const claim = await claimKey(prisma, scope, hash);
  if ("replay" in claim) {
    idempotencyReplays.inc({ operation: scope.operation });
    return replay(claim.replay) as T;
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const result = await work(tx);
      await tx.idempotencyRecord.update({ where: { id: claim.id }, data: { state: "COMPLETED", response: { ok: result } } });
      return result;
    });
  } catch (err) {
    if (err instanceof DomainError) {
      // A client error is an outcome too: replay it rather than run the request again later.
      const response = { error: storedError(err) };
      await prisma.idempotencyRecord.update({ where: { id: claim.id }, data: { state: "COMPLETED", response } });
    } else {
      await prisma.idempotencyRecord.delete({ where: { id: claim.id } }).catch(() => undefined);
    }
    throw err;
  }
}

async function claimKey(
  prisma: PrismaClient,
  scope: IdempotencyScope,
  hash: string,
): Promise<{ id: number } | { replay: Stored }> {
  const key = scope.key as string;
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO idempotency_records (account_id, operation, key, request_hash, state, expires_at)
      VALUES (${scope.accountId}, ${scope.operation}, ${key}, ${hash}, 'IN_FLIGHT', now() + ${`${IDEMPOTENCY_TTL_MS} milliseconds`}::interval)
      ON CONFLICT (account_id, operation, key) DO NOTHING
      RETURNING id`;
    if (inserted[0]) return { id: inserted[0].id };
    const existing = await prisma.idempotencyRecord.findUnique({
      where: { accountId_operation_key: { accountId: scope.accountId, operation: scope.operation, key } },
    });
    if (!existing) continue; // expired and deleted meanwhile: claim again
    const now = Date.now();
    if (existing.expiresAt.getTime() <= now) {
      await prisma.idempotencyRecord.deleteMany({ where: { id: existing.id, expiresAt: existing.expiresAt } });
      continue;
    }
    if (existing.requestHash !== hash) throw new IdempotencyConflictError("KEY_REUSED");
    if (existing.state === "COMPLETED") return { replay: existing.response as Stored };
    if (now - existing.createdAt.getTime() < ABANDONED_AFTER_MS) throw new RequestInProgressError();
    const taken = await prisma.idempotencyRecord.updateMany({
      where: { id: existing.id, state: "IN_FLIGHT", createdAt: existing.createdAt },
      data: { createdAt: new Date() },
    });
    if (taken.count === 1) return { id: existing.id };
    throw new RequestInProgressError();
  }
  throw new RequestInProgressError();
}
