/**
 * An integer of 10^-scale units as decimal digits (12345, scale 2 -> "123" and "45"), built
 * from the integer's text so nothing rounds through floats. The one place that does it, for
 * money in minor units and for fixed-point rates.
 */
export function decimalParts(value: bigint, scale: number): { negative: boolean; whole: string; fraction: string } {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  return { negative, whole: digits.slice(0, digits.length - scale), fraction: digits.slice(digits.length - scale) };
}

/** "123.45", "-0.5", "7": the shortest exact decimal text. */
export function decimalText(value: bigint, scale: number): string {
  const { negative, whole, fraction } = decimalParts(value, scale);
  const trimmed = fraction.replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${trimmed ? `.${trimmed}` : ""}`;
}
