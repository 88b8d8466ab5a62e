import { decimalParts } from "../decimal.ts";

/** "-$1,234.50": a currency-aware rendering of minor units, built from the integer (no floats). */
export function formatMoney(minor: bigint, currency: { symbol: string; minorUnits: number }): string {
  const { negative, whole, fraction } = decimalParts(minor, currency.minorUnits);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${currency.symbol}${grouped}${fraction ? `.${fraction}` : ""}`;
}
