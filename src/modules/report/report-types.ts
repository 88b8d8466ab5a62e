import type { LedgerType } from "../../generated/prisma/enums.ts";

/** The Stats API's transaction types and the ledger types behind each (docs/decisions.md). */
export const REPORT_TYPES = {
  PAYMENT: ["SALE", "AFFILIATE_EARNING", "INVOICE_PAYMENT", "REFUND"],
  PAYOUT: ["CASHOUT", "PAYOUT_FAILED"],
  DEPOSIT: ["DEPOSIT"],
  WITHDRAWAL: ["WITHDRAWAL"],
  DISPUTE: ["DISPUTE"],
} as const satisfies Record<string, readonly LedgerType[]>;
export type ReportType = keyof typeof REPORT_TYPES;

/** Ledger types a report lists: every visible entry but the hold -> available transfers. */
export const REPORTED_LEDGER_TYPES: LedgerType[] = Object.values(REPORT_TYPES).flat();

export function reportTypeOf(type: LedgerType): ReportType {
  for (const [reportType, types] of Object.entries(REPORT_TYPES)) {
    if ((types as readonly LedgerType[]).includes(type)) return reportType as ReportType;
  }
  throw new Error(`ledger type ${type} is not reported`);
}

/** Paid, Available, Pending, Failed, Refunded, Disputed: what became of the transaction. */
export type ReportStatus = "Paid" | "Available" | "Pending" | "Failed" | "Refunded" | "Disputed";

export function reportStatus(row: { type: LedgerType; payoutStatus: string | null; holdClosedBy: string | null }): ReportStatus {
  switch (row.type) {
    case "SALE":
      if (row.holdClosedBy === "HOLD_RELEASE") return "Available";
      return row.holdClosedBy ? "Refunded" : "Pending";
    case "CASHOUT":
      return row.payoutStatus === "PAID" ? "Paid" : row.payoutStatus === "FAILED" ? "Failed" : "Pending";
    case "PAYOUT_FAILED":
      return "Failed";
    case "WITHDRAWAL":
      return "Paid";
    case "REFUND":
      return "Refunded";
    case "DISPUTE":
      return "Disputed";
    default:
      return "Available";
  }
}
