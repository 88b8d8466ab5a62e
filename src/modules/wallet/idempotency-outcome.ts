import { createHash } from "node:crypto";
import { CashoutBlockedError } from "../cashout/cashout-errors.ts";
import type { CashoutBlock } from "../cashout/cashout-rules.ts";
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

/**
 * What an idempotency record keeps of a request's outcome, for both ways of claiming a key (the
 * one-call movements of wallet_move and the two-step claim of idempotency.service.ts): a result,
 * or a domain error rebuilt as the same typed error when the request is replayed.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type StoredError = { name: string; message: string; data?: Json };
export type Stored = { ok: Json } | { error: StoredError };

export const MAX_KEY_LENGTH = 255;

/** SHA-256 of the request's input, whatever its key order: the same key with another input is refused. */
export const requestHash = (input: unknown): string => createHash("sha256").update(stableJson(input)).digest("hex");

/**
 * The hash of the input a key stands for, for either way of claiming it (null without a key); an
 * over-long key is the client's error.
 */
export function keyedHash(key: string | null | undefined, input: unknown): string | null {
  if (!key) return null;
  if (key.length > MAX_KEY_LENGTH) throw ValidationError.field("idempotencyKey", `must be at most ${MAX_KEY_LENGTH} characters`);
  return requestHash(input);
}

export function storedError(err: DomainError): StoredError {
  return { name: err.name, message: err.message, ...(errorData(err) === undefined ? {} : { data: errorData(err)! }) };
}

export function replay(stored: Stored): Json {
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

export function rebuildError({ name, message, data }: { name: string; message: string; data?: Json }): DomainError {
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
    case "IdempotencyConflictError":
      return new IdempotencyConflictError("KEY_REUSED");
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
