import { ValidationError } from "../errors.ts";

/**
 * Where a stream stands: per wallet, the newest ledger entry id it has passed. Within a wallet
 * entry ids follow commit order (a movement holds the wallet's row lock from insert to commit),
 * so "after this id" is exact per wallet; across wallets ids are not, hence a position per wallet.
 * Written as `walletId.entryId` pairs joined by `-` (URL-safe, no padding): every event carries
 * the position after it as its id, and `since` (or Last-Event-ID) resumes from one.
 */
export type EventPosition = ReadonlyMap<number, number>;

const FORMAT = /^\d{1,10}\.\d{1,10}(-\d{1,10}\.\d{1,10}){0,99}$/;
/** Wallet and entry ids are PostgreSQL integers. */
const MAX_ID = 2_147_483_647;

export function encodePosition(position: EventPosition): string {
  return [...position]
    .sort(([a], [b]) => a - b)
    .map(([wallet, entry]) => `${wallet}.${entry}`)
    .join("-");
}

export function decodePosition(text: string, field = "since"): EventPosition {
  if (!FORMAT.test(text)) throw ValidationError.field(field, "is not an event id this API issued");
  const position = new Map<number, number>();
  for (const pair of text.split("-")) {
    const [wallet, entry] = pair.split(".").map(Number) as [number, number];
    if (wallet > MAX_ID || entry > MAX_ID) throw ValidationError.field(field, "is not an event id this API issued");
    position.set(wallet, entry);
  }
  return position;
}
