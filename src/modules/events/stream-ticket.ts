import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { cursorKey } from "../ledger/cursor.ts";
import type { Viewer } from "../accounts/viewer.ts";

/** How long a ticket opens streams (an EventSource reconnecting within it needs no new one). */
export const TICKET_SECONDS = 15 * 60;
const FORMAT = /^(\d{1,10})\.(\d{1,13})\.([A-Za-z0-9_-]{22})$/;

/**
 * A browser's EventSource cannot send an Authorization header, and tokens never travel in URLs
 * or cookies. A stream ticket stands in for its token for a while: `<tokenId>.<expiresAt>.<mac>`,
 * signed with a key derived from the database's cursor key, so any gateway on the database checks
 * it without a lookup of its own; the token it names is still checked (revoked or expired: no
 * stream). It opens subscriptions only, over `GET /graphql?...&ticket=` with
 * `Accept: text/event-stream`.
 */
export async function issueTicket(
  prisma: PrismaClient,
  viewer: Viewer,
  now = Date.now(),
): Promise<{ ticket: string; expiresAt: Date }> {
  const expiresAt = Math.floor(now / 1000) + TICKET_SECONDS;
  const body = `${viewer.tokenId}.${expiresAt}`;
  return { ticket: `${body}.${await mac(prisma, body)}`, expiresAt: new Date(expiresAt * 1000) };
}

/** The token id a ticket stands for, or why it does not. */
export async function readTicket(
  prisma: PrismaClient,
  ticket: string,
  now = Date.now(),
): Promise<{ ok: true; tokenId: number } | { ok: false; message: string }> {
  const m = FORMAT.exec(ticket);
  if (!m) return { ok: false, message: "Invalid stream ticket." };
  const body = `${m[1]}.${m[2]}`;
  const good = Buffer.from(await mac(prisma, body));
  const given = Buffer.from(m[3]!);
  if (good.length !== given.length || !timingSafeEqual(good, given)) return { ok: false, message: "Invalid stream ticket." };
  if (Number(m[2]) * 1000 <= now) return { ok: false, message: "This stream ticket has expired: ask for a new one." };
  return { ok: true, tokenId: Number(m[1]) };
}

async function mac(prisma: PrismaClient, body: string): Promise<string> {
  const key = createHmac("sha256", await cursorKey(prisma))
    .update("event-stream-ticket")
    .digest();
  return createHmac("sha256", key).update(body).digest("base64url").slice(0, 22);
}
