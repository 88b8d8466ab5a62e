import { Counter, Gauge, Registry } from "prom-client";
import { unavailableReason } from "../db/unavailable.ts";
import { DomainError } from "../modules/errors.ts";

/**
 * Counters the domain core moves (one set per process, whatever number of apps it serves):
 * rate-limit refusals, idempotency replays, cashouts and payout settlements by outcome, live
 * event streams.
 */
export const domainRegistry = new Registry();

export const rateLimitRejections = new Counter({
  name: "wallet_rate_limit_rejections_total",
  help: "Requests refused with 429, by the limit that refused them.",
  labelNames: ["limit"] as const,
  registers: [domainRegistry],
});

export const idempotencyReplays = new Counter({
  name: "wallet_idempotency_replays_total",
  help: "Requests answered from a stored result because their idempotency key was seen before, by operation.",
  labelNames: ["operation"] as const,
  registers: [domainRegistry],
});

export const cashouts = new Counter({
  name: "wallet_cashouts_total",
  help: "Cashout requests by outcome: ok, or the error code that refused them.",
  labelNames: ["outcome"] as const,
  registers: [domainRegistry],
});

export const payoutSettlements = new Counter({
  name: "wallet_payout_settlements_total",
  help: "Payout settlements by outcome: paid, failed, or the error code that refused them.",
  labelNames: ["outcome"] as const,
  registers: [domainRegistry],
});

export const eventStreamsOpen = new Gauge({
  name: "wallet_event_streams_open",
  help: "Open live event streams (GraphQL subscriptions over SSE) in this process.",
  registers: [domainRegistry],
});

export const eventStreamsEnded = new Counter({
  name: "wallet_event_streams_ended_total",
  help: "Live event streams the gateway ended, by reason (token_revoked, token_expired, slow_consumer, shutting_down).",
  labelNames: ["reason"] as const,
  registers: [domainRegistry],
});

export const eventsQueued = new Counter({
  name: "wallet_events_queued_total",
  help: "Live events queued for subscribers, by kind (walletUpdated, transactionAdded).",
  labelNames: ["kind"] as const,
  registers: [domainRegistry],
});

/** The outcome label of a refused operation: its domain code, busy/unavailable, or error. */
export function outcomeOf(err: unknown): string {
  if (err instanceof DomainError) return err.code.toLowerCase();
  const unavailable = unavailableReason(err);
  if (unavailable) return unavailable.code.toLowerCase();
  return "error";
}

/** Runs `work` and counts its outcome (`ok`, or what `outcome` says of its result) or its refusal. */
export async function countOutcome<T>(
  counter: Counter<"outcome">,
  work: () => Promise<T>,
  outcome: (result: T) => string = () => "ok",
): Promise<T> {
  try {
    const result = await work();
    counter.inc({ outcome: outcome(result) });
    return result;
  } catch (err) {
    counter.inc({ outcome: outcomeOf(err) });
    throw err;
  }
}
