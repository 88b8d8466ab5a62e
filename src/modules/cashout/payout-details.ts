import type { PrismaClient } from "../../generated/prisma/client.ts";
import { ValidationError } from "../errors.ts";

/** The payout fields a currency's rail needs; other currencies need none. */
export const REQUIRED_DETAILS = {
  EUR: ["iban", "bicSwift"],
  USD: ["accountNumber", "routingNumber"],
  GBP: ["accountNumber", "sortCode"],
} as const satisfies Record<string, readonly DetailField[]>;

export type DetailField = "iban" | "bicSwift" | "accountNumber" | "routingNumber" | "sortCode";
export type PayoutDetailsInput = Partial<Record<DetailField, string | null>>;
export type StoredDetails = Partial<Record<DetailField, string | null>>;

/** The API's names of the fields (the and the Studio API's snake_case). */
export const DETAIL_NAMES: Record<DetailField, string> = {
  iban: "iban",
  bicSwift: "bic_swift",
  accountNumber: "account_number",
  routingNumber: "routing_number",
  sortCode: "sort_code",
};

export const requiredDetails = (currency: string): readonly DetailField[] =>
  REQUIRED_DETAILS[currency as keyof typeof REQUIRED_DETAILS] ?? [];

/** Which of the currency's required fields the stored details lack. */
export const missingDetails = (currency: string, stored: StoredDetails | null): DetailField[] =>
  requiredDetails(currency).filter((f) => !stored?.[f]);

/** ISO 13616: country, check digits, then the BBAN; the whole rearranged number mod 97 is 1. */
function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

/** ABA routing numbers: 9 digits with the 3-7-1 weighted checksum. */
function routingValid(n: string): boolean {
  if (!/^\d{9}$/.test(n)) return false;
  const d = [...n].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

const RULES: Record<DetailField, { normalise: (v: string) => string; valid: (v: string) => boolean; what: string }> = {
  iban: { normalise: (v) => v.replace(/\s+/g, "").toUpperCase(), valid: ibanValid, what: "must be a valid IBAN" },
  bicSwift: {
    normalise: (v) => v.replace(/\s+/g, "").toUpperCase(),
    valid: (v) => /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v),
    what: "must be a BIC/SWIFT code of 8 or 11 characters",
  },
  accountNumber: {
    normalise: (v) => v.replace(/[\s-]+/g, ""),
    valid: (v) => /^\d{4,17}$/.test(v),
    what: "must be 4 to 17 digits",
  },
  routingNumber: {
    normalise: (v) => v.replace(/[\s-]+/g, ""),
    valid: routingValid,
    what: "must be a valid 9-digit ABA routing number",
  },
  sortCode: { normalise: (v) => v.replace(/[\s-]+/g, ""), valid: (v) => /^\d{6}$/.test(v), what: "must be 6 digits (12-34-56)" },
};

/**
 * Validates the fields for the account's currency: all of the currency's required fields,
 * each in its format (a UK account number is 8 digits); fields of other rails are refused.
 */
export function validateDetails(currency: string, input: PayoutDetailsInput): Record<DetailField, string | null> {
  const wanted = requiredDetails(currency);
  const problems: { field: string; message: string }[] = [];
  const out: Record<DetailField, string | null> = {
    iban: null,
    bicSwift: null,
    accountNumber: null,
    routingNumber: null,
    sortCode: null,
  };
  for (const field of Object.keys(RULES) as DetailField[]) {
    const raw = input[field];
    const given = raw !== undefined && raw !== null && raw.trim() !== "";
    if (!wanted.includes(field)) {
      if (given) problems.push({ field: DETAIL_NAMES[field], message: `is not used for ${currency} payouts` });
      continue;
    }
    if (!given) {
      problems.push({ field: DETAIL_NAMES[field], message: `is required for ${currency} payouts` });
      continue;
    }
    const value = RULES[field].normalise(raw);
    const valid = RULES[field].valid(value) && (currency !== "GBP" || field !== "accountNumber" || /^\d{8}$/.test(value));
    if (!valid)
      problems.push({
        field: DETAIL_NAMES[field],
        message: currency === "GBP" && field === "accountNumber" ? "must be 8 digits" : RULES[field].what,
      });
    else out[field] = value;
  }
  if (wanted.length === 0) problems.push({ field: "currency", message: `${currency} payouts need no payout details` });
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

export async function savePayoutDetails(
  prisma: PrismaClient,
  accountId: number,
  currency: string,
  input: PayoutDetailsInput,
): Promise<StoredDetails> {
  const data = validateDetails(currency, input);
  return prisma.payoutDetails.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });
}

/** For display: all but the last four characters hidden. */
export const masked = (value: string | null | undefined): string | null =>
  value ? `${"•".repeat(Math.max(0, value.length - 4))}${value.slice(-4)}` : null;
