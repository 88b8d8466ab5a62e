/** "-$12.50": a currency-aware rendering of minor units, built from the integer (no floats). */
export function formatMoney(minor: bigint, currency: { symbol: string; minorUnits: number }): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(currency.minorUnits + 1, "0");
  const whole = digits.slice(0, digits.length - currency.minorUnits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = currency.minorUnits > 0 ? `.${digits.slice(digits.length - currency.minorUnits)}` : "";
  return `${negative ? "-" : ""}${currency.symbol}${whole}${fraction}`;
}
