import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { checkFeeBps } from "./fee.ts";
import { normaliseCode } from "./invitation.service.ts";

export type Conversion = { visits: number; registrations: number; firstEarnings: number };
export type FeeChange = { feeBps: number; changedAt: Date };

/**
 * A visit to an invitation link, as the app reports it (SERVICE tokens). Idempotent per
 * event id: a repeated report counts once.
 */
export async function recordInvitationVisit(prisma: PrismaClient, code: string, eventId: string): Promise<number> {
  const id = eventId.trim();
  if (id === "" || id.length > 200) throw ValidationError.field("eventId", "must be 1 to 200 characters");
  const invitation = await prisma.affiliateInvitation.findUnique({ where: { code: normaliseCode(code) } });
  if (!invitation) throw new NotFoundError(`Invitation ${code} does not exist`);
  await prisma.$executeRaw`
    INSERT INTO invitation_visits (invitation_id, event_id) VALUES (${invitation.id}, ${id})
    ON CONFLICT (invitation_id, event_id) DO NOTHING`;
  return invitation.id;
}

/** A referred creator's new fee (SERVICE tokens); the history keeps every earlier one. */
export async function setReferralFee(prisma: PrismaClient, referredAccountId: number, feeBps: number): Promise<number> {
  checkFeeBps(feeBps);
  const updated = await prisma.referral.updateManyAndReturn({ where: { referredId: referredAccountId }, data: { feeBps } });
  if (updated.length === 0) throw new NotFoundError(`Account ${referredAccountId} was not referred by anyone`);
  return updated[0]!.id;
}

/**
 * Per invitation: reported visits, registrations, and registered creators who have already
 * earned the inviter something (one query for any number of invitations).
 */
export async function conversions(prisma: PrismaClient, invitationIds: readonly number[]): Promise<Map<number, Conversion>> {
  const rows = await prisma.$queryRaw<{ id: number; visits: bigint; registrations: bigint; first_earnings: bigint }[]>`
    SELECT i.id,
           (SELECT count(*) FROM invitation_visits v WHERE v.invitation_id = i.id)::bigint AS visits,
           (SELECT count(*) FROM referrals r WHERE r.invitation_id = i.id)::bigint AS registrations,
           (SELECT count(*) FROM referrals r
             WHERE r.invitation_id = i.id AND EXISTS (
               SELECT 1 FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id
               WHERE w.account_id = i.inviter_id AND e.type = 'AFFILIATE_EARNING' AND e.counterparty_id = r.referred_id))::bigint AS first_earnings
    FROM affiliate_invitations i WHERE i.id IN (${Prisma.join(invitationIds)})`;
  return new Map(
    rows.map((r) => [
      r.id,
      { visits: Number(r.visits), registrations: Number(r.registrations), firstEarnings: Number(r.first_earnings) },
    ]),
  );
}

/** Every fee each referral has had, oldest first (one query for a page of creators). */
export async function feeHistories(prisma: PrismaClient, referralIds: readonly number[]): Promise<Map<number, FeeChange[]>> {
  const rows = await prisma.referralFeeChange.findMany({
    where: { referralId: { in: [...referralIds] } },
    orderBy: [{ changedAt: "asc" }, { id: "asc" }],
  });
  const byReferral = new Map<number, FeeChange[]>(referralIds.map((id) => [id, []]));
  for (const r of rows) byReferral.get(r.referralId)!.push({ feeBps: r.feeBps, changedAt: r.changedAt });
  return byReferral;
}
