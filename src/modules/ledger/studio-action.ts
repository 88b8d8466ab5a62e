import type { LedgerType } from "../../generated/prisma/enums.ts";

/**
 * The Studio API's `action` for a ledger entry (seed 001). Types with no equivalent are
 * `unknown`, described by the generic placeholder the seed asks for.
 */
export const STUDIO_ACTIONS = [
  "top_up",
  "cover_deposit",
  "refund_deposit",
  "invoice",
  "reserve",
  "reserve_revert",
  "campaign_preorder",
  "campaign_preorder_revert",
  "campaign_complete",
  "campaign_chunk",
  "campaign_hold_release",
  "payout",
  "ppc",
  "ppc_complete",
  "ppc_revert",
  "swap",
  "swap_revert",
  "swap_price",
  "swap_fans",
  "swap_complete",
  "revshare",
  "referrals",
  "manager_payment",
  "manager",
  "refund",
  "unknown",
] as const;
export type StudioAction = (typeof STUDIO_ACTIONS)[number];

const BY_TYPE: Partial<Record<LedgerType, StudioAction>> = {
  DEPOSIT: "top_up",
  HOLD_RELEASE: "campaign_hold_release",
  AFFILIATE_EARNING: "referrals",
  CASHOUT: "payout",
  REFUND: "refund",
  INVOICE_PAYMENT: "invoice",
};

export const UNKNOWN_ACTION_DESCRIPTION = "This transaction type is not documented yet; see the web dashboard for details.";

export function studioAction(type: LedgerType): StudioAction {
  return BY_TYPE[type] ?? "unknown";
}
