import type { TokenRole } from "../../generated/prisma/enums.ts";
import { may } from "../accounts/permissions.ts";
import { formatMoney } from "../report/money-format.ts";
import { DETAIL_NAMES, missingDetails, type StoredDetails } from "./payout-details.ts";

/** CASHOUT_MINIMUMS and CASHOUT_REQUIRE_PAYOUT_DETAILS (config.ts). */
export type CashoutSettings = {
  /** Smallest cashout per currency code, in minor units; absent: 1 (any positive balance). */
  minimumMinor: Record<string, number>;
  /** Whether a cashout needs the payout details of the account's currency (payout-details.ts). */
  requirePayoutDetails: boolean;
};

export const DEFAULT_CASHOUT_SETTINGS: CashoutSettings = { minimumMinor: {}, requirePayoutDetails: false };

export const CASHOUT_BLOCKS = ["ROLE_MAY_NOT_CASH_OUT", "NOTHING_AVAILABLE", "BELOW_MINIMUM", "MISSING_PAYOUT_DETAILS"] as const;
export type CashoutBlockReason = (typeof CASHOUT_BLOCKS)[number];
export type CashoutBlock = { reason: CashoutBlockReason; message: string };

export type CashoutState = {
  available: bigint;
  currency: { id: number; code: string; symbol: string; minorUnits: number };
  role: TokenRole;
  details: StoredDetails | null;
};

/** What a cashout would pay now, and every reason it may not (none: it may). */
export type CashoutDecision = { amount: bigint; currencyId: number; blocks: CashoutBlock[] };

/**
 * The one function that decides a cashout: the preview shows its verdict, and requestCashout
 * applies it to the balance it has locked, so the two cannot disagree.
 */
export function decideCashout(state: CashoutState, settings: CashoutSettings): CashoutDecision {
  const { available, currency } = state;
  const units = (minor: bigint) => formatMoney(minor, currency);
  const blocks: CashoutBlock[] = [];
  if (!may(state.role, "wallet.cashout")) {
    blocks.push({
      reason: "ROLE_MAY_NOT_CASH_OUT",
      message: `A ${state.role} token may not cash out: use an OWNER or ADMIN token.`,
    });
  }
  const minimum = BigInt(Math.max(1, settings.minimumMinor[currency.code] ?? 1));
  if (available <= 0n) {
    blocks.push({ reason: "NOTHING_AVAILABLE", message: "Nothing is available to cash out." });
  } else if (available < minimum) {
    blocks.push({
      reason: "BELOW_MINIMUM",
      message: `The minimum cashout is ${units(minimum)}; ${units(available)} is available.`,
    });
  }
  const missing = settings.requirePayoutDetails ? missingDetails(currency.code, state.details) : [];
  if (missing.length > 0) {
    blocks.push({
      reason: "MISSING_PAYOUT_DETAILS",
      message: `Add your payout details first: ${missing.map((f) => DETAIL_NAMES[f]).join(" and ")} missing.`,
    });
  }
  return { amount: available > 0n ? available : 0n, currencyId: currency.id, blocks };
}
