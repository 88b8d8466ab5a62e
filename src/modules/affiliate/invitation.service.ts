import { randomInt } from "node:crypto";
import type { AffiliateInvitation, PrismaClient } from "../../generated/prisma/client.ts";
import { checkFeeBps, defaultFeeBps } from "./fee.ts";

// No 0/O, 1/I/L: codes are read aloud and typed by hand. 31^6 ~ 887 million codes.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 6;

export function generateCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Codes are case-insensitive: stored upper case, matched after upper-casing. */
export const normaliseCode = (code: string): string => code.trim().toUpperCase();

/** The inviter's invitation for this fee, if one was created (omitted fee = the default). */
export async function findInvitation(
  prisma: PrismaClient,
  inviterId: number,
  feeBps?: number | null,
): Promise<AffiliateInvitation | null> {
  const fee = feeBps == null ? await defaultFeeBps(prisma) : checkFeeBps(feeBps);
  return prisma.affiliateInvitation.findUnique({ where: { inviterId_feeBps: { inviterId, feeBps: fee } } });
}

/**
 * The inviter's invitation for this fee, created on first request and reused after that
 * (unique per inviter and fee). Omitted fee = the default stored in settings.
 */
export async function invitationFor(
  prisma: PrismaClient,
  inviterId: number,
  feeBps?: number | null,
): Promise<AffiliateInvitation> {
  const existing = await findInvitation(prisma, inviterId, feeBps);
  if (existing) return existing;
  const fee = feeBps == null ? await defaultFeeBps(prisma) : checkFeeBps(feeBps);
  for (let attempt = 0; attempt < 5; attempt++) {
    const created = await prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO affiliate_invitations (code, inviter_id, fee_bps) VALUES (${generateCode()}, ${inviterId}, ${fee})
      ON CONFLICT DO NOTHING RETURNING id`;
    // Either our row, or the one a concurrent request created for the same inviter and fee.
    const row = await prisma.affiliateInvitation.findUnique({ where: { inviterId_feeBps: { inviterId, feeBps: fee } } });
    if (row) return row;
    if (created.length === 0) continue; // the random code collided: draw again
  }
  throw new Error("could not allocate a unique invitation code");
}

export const invitationUrl = (appLinkBase: string, invitation: { uuid: string }): string =>
  `${appLinkBase.replace(/\/+$/, "")}/applink/${invitation.uuid}`;
