import { decimalText } from "../modules/decimal.ts";

/** "2026-04-20 10:15:00" in UTC: the legacy apps' created_at. */
export function legacyTimestamp(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}

/** "2026-01-15T12:00:00+00:00": ISO-8601 with an explicit offset, second precision. */
export function isoWithOffset(iso: string): string {
  return `${iso.slice(0, 19)}+00:00`;
}

export const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/**
 * Minor units as a JSON number of currency units, rendered exactly from the integer
 * (12345 cents -> 123.45): the decimal is built as text, never by floating-point division.
 * A decimal of at most 15 significant digits survives the trip through a double and back
 * to JSON unchanged; the money limits keep every amount within that, and anything beyond
 * is refused here rather than rendered one cent off.
 */
export function unitsFromMinor(minor: number, minorUnits: number): number {
  const text = decimalText(BigInt(minor), minorUnits);
  if (text.replace(/[-.]/g, "").replace(/^0+/, "").length > MAX_EXACT_DIGITS) {
    throw new RangeError(`${minor} minor units cannot be rendered exactly as a JSON number`);
  }
  return Number(text);
}

const MAX_EXACT_DIGITS = 15;

/** "sale", "affiliate_earning": the legacy apps' lower-case transaction types. */
export const legacyType = (type: string): string => type.toLowerCase();
