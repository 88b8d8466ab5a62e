import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { idempotencyReplays } from "../../metrics/domain-metrics.ts";
import { CashoutBlockedError } from "../cashout/cashout-errors.ts";
import type { CashoutBlock } from "../cashout/cashout-rules.ts";
import { walletLanes } from "./wallet-lanes.ts";
import {
  AmountLimitError,
  ConflictError,
  DomainError,
  ForbiddenError,
  IdempotencyConflictError,
  InsufficientFundsError,
  NoAvailableFundsError,
  NotFoundError,
  ValidationError,
} from "../errors.ts";

export const MAX_KEY_LENGTH = 255;

/** Keys live at least this long; after that a key may be used again. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** An IN_FLIGHT claim older than this belongs to a request that died: it may be taken over. */
const ABANDONED_AFTER_MS = 60_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Stored = { ok: Json } | { error: { name: string; message: string; data?: Json } };

export type IdempotencyScope = {
  accountId: number;
  operation: string;
  key: string | null | undefined;
  input: unknown;
  /** The account whose wallet the work locks: such work queues per wallet in memory first (wallet-lanes.ts). */
  walletOf?: number;
};

/**
 * Runs `work` in one transaction, at most once per (account, operation, key), as Stripe
 * and the IETF Idempotency-Key draft describe: the same key with the same input replays the
 * first result (errors included), with a different input fails with KEY_REUSED and writes
 * nothing, and while the first request runs a duplicate fails with IN_PROGRESS.
 */
export async function idempotent<T extends Json>(
  prisma: PrismaClient,
  scope: IdempotencyScope,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  if (scope.walletOf === undefined) return runOnce(prisma, scope, work);
  return walletLanes.run(`account:${scope.walletOf}`, () => runOnce(prisma, scope, work));
}

async function runOnce<T extends Json>(
  prisma: PrismaClient,
  scope: IdempotencyScope,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  if (!scope.key) return prisma.$transaction(work);
  if (scope.key.length > MAX_KEY_LENGTH)
    throw ValidationError.field("idempotencyKey", `must be at most ${MAX_KEY_LENGTH} characters`);
  const requestHash = createHash("sha256").update(stableJson(scope.input)).digest("hex");
  const claim = await claimKey(prisma, scope, requestHash);
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
      const response = { error: { name: err.name, message: err.message, data: errorData(err) } };
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
  requestHash: string,
): Promise<{ id: number } | { replay: Stored }> {
  const key = scope.key as string;
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO idempotency_records (account_id, operation, key, request_hash, state, expires_at)
      VALUES (${scope.accountId}, ${scope.operation}, ${key}, ${requestHash}, 'IN_FLIGHT', now() + ${`${IDEMPOTENCY_TTL_MS} milliseconds`}::interval)
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
    if (existing.requestHash !== requestHash) throw new IdempotencyConflictError("KEY_REUSED");
    if (existing.state === "COMPLETED") return { replay: existing.response as Stored };
    if (now - existing.createdAt.getTime() < ABANDONED_AFTER_MS) throw new IdempotencyConflictError("IN_PROGRESS");
    const taken = await prisma.idempotencyRecord.updateMany({
      where: { id: existing.id, state: "IN_FLIGHT", createdAt: existing.createdAt },
      data: { createdAt: new Date() },
    });
    if (taken.count === 1) return { id: existing.id };
    throw new IdempotencyConflictError("IN_PROGRESS");
  }
  throw new IdempotencyConflictError("IN_PROGRESS");
}

function replay(stored: Stored): Json {
  if ("ok" in stored) return stored.ok;
  throw rebuildError(stored.error);
}

function errorData(err: DomainError): Json | undefined {
  if (err instanceof ValidationError) return err.problems;
  if (err instanceof InsufficientFundsError)
    return { bucket: err.bucket, current: String(err.current), required: String(err.required), currencyId: err.currencyId };
  if (err instanceof CashoutBlockedError) return err.blocks;
  if (err instanceof AmountLimitError) return { what: err.what, limit: err.limit, currencyId: err.currencyId };
  return undefined;
}

function rebuildError({ name, message, data }: { name: string; message: string; data?: Json }): DomainError {
  switch (name) {
    case "NoAvailableFundsError":
      return new NoAvailableFundsError();
    case "ValidationError":
      return new ValidationError(data as { field: string; message: string }[]);
    case "InsufficientFundsError": {
      const d = data as { bucket: string; current: string; required: string; currencyId: number };
      return new InsufficientFundsError(d.bucket, BigInt(d.current), BigInt(d.required), d.currencyId);
    }
    case "NotFoundError":
      return new NotFoundError(message);
    case "AmountLimitError": {
      const d = data as { what: "MOVEMENT" | "BALANCE"; limit: number; currencyId: number };
      return new AmountLimitError(d.what, d.limit, d.currencyId);
    }
    case "CashoutBlockedError":
      return new CashoutBlockedError(data as CashoutBlock[]);
    case "ForbiddenError":
      return new ForbiddenError(message);
    default:
      return new ConflictError(message);
  }
}

/** JSON with sorted keys, so equal inputs hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}
