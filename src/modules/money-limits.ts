/**
 * The largest amounts the ledger accepts, far below 2^53-1 so that every balance, total and
 * report sum stays an exact JavaScript number, and every amount renders exactly as a decimal
 * JSON number (at most 15 significant digits round-trip through a double).
 */
export type MoneyLimits = {
  /** Largest single movement line, in minor units. */
  maxMovementMinor: number;
  /** Largest balance one bucket of a wallet may hold, in minor units. */
  maxBucketMinor: number;
};

export const DEFAULT_MONEY_LIMITS: MoneyLimits = {
  // 1,000,000,000.00 in a 2-decimal currency.
  maxMovementMinor: 100_000_000_000,
  // 100,000,000,000.00: 11 wallets of a group summed still have 15 significant digits.
  maxBucketMinor: 10_000_000_000_000,
};

let active: MoneyLimits = DEFAULT_MONEY_LIMITS;

/** The limits in force in this process (set once at start from the configuration). */
export const moneyLimits = (): MoneyLimits => active;

export function configureMoneyLimits(limits: MoneyLimits): void {
  if (limits.maxMovementMinor > limits.maxBucketMinor) throw new RangeError("maxMovementMinor must not exceed maxBucketMinor");
  active = limits;
}
