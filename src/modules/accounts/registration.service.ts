import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { checkFeeBps, defaultFeeBps } from "../affiliate/fee.ts";
import { normaliseCode } from "../affiliate/invitation.service.ts";
import { CurrencyMismatchError, InviteNotFoundError, ValidationError } from "../errors.ts";
import { createAccountIn, parseInput } from "./account.service.ts";
import { hashPassword } from "./password.ts";
import { type IssuedToken, issueToken } from "./token.service.ts";

const RegisterInput = z
  .object({
    email: z.string(),
    password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
    displayName: z.string(),
    currency: z.string(),
    inviteCode: z.string().trim().min(1).max(32).optional(),
    masterId: z.number().int().positive().optional(),
    feeBps: z.number().int().optional(),
  })
  .refine((v) => !(v.inviteCode && v.masterId), {
    message: "send either invite_code or master_id, not both",
    path: ["invite_code"],
  });
export type RegisterInput = z.input<typeof RegisterInput>;

export type Registered = { accountId: number; token: IssuedToken };

/**
 * Creates the account, its wallet, its first token and (with an invite code or master_id)
 * the referral, all in one transaction: any failure, a currency mismatch included, leaves
 * nothing behind. With an invite code the invitation's fee applies; with master_id the given
 * fee (capped at 10 %) or the default one.
 */
export async function register(prisma: PrismaClient, raw: RegisterInput): Promise<Registered> {
  const input = parseInput(RegisterInput, raw);
  const feeBps = input.feeBps === undefined ? undefined : checkFeeBps(input.feeBps, "fee_percentage");
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const referral = await resolveReferral(tx as unknown as PrismaClient, input, feeBps);
    const account = await createAccountIn(tx, {
      email: input.email,
      displayName: input.displayName,
      currency: input.currency,
      passwordHash,
    });
    if (referral) {
      if (referral.currency !== account.currency) throw new CurrencyMismatchError(referral.currency, account.currency);
      if (referral.inviterId === account.id) throw ValidationError.field("invite_code", "you cannot refer yourself");
      await tx.referral.create({
        data: {
          referrerId: referral.inviterId,
          referredId: account.id,
          invitationId: referral.invitationId,
          feeBps: referral.feeBps,
        },
      });
    }
    const token = await issueToken(tx, { accountId: account.id, name: "registration" });
    return { accountId: account.id, token };
  });
}

type ResolvedReferral = { inviterId: number; invitationId: number | null; feeBps: number; currency: string };

async function resolveReferral(
  tx: PrismaClient,
  input: { inviteCode?: string | undefined; masterId?: number | undefined },
  feeBps: number | undefined,
): Promise<ResolvedReferral | null> {
  if (input.inviteCode) {
    const invitation = await tx.affiliateInvitation.findUnique({
      where: { code: normaliseCode(input.inviteCode) },
      include: { inviter: { select: { role: true, currency: { select: { code: true } } } } },
    });
    if (!invitation || invitation.inviter.role !== "CREATOR")
      throw new InviteNotFoundError(`No invitation has the code ${input.inviteCode}`);
    return {
      inviterId: invitation.inviterId,
      invitationId: invitation.id,
      feeBps: invitation.feeBps,
      currency: invitation.inviter.currency.code,
    };
  }
  if (input.masterId) {
    const inviter = await tx.account.findUnique({
      where: { id: input.masterId },
      select: { role: true, currency: { select: { code: true } } },
    });
    if (!inviter || inviter.role !== "CREATOR") throw new InviteNotFoundError(`No creator has the id ${input.masterId}`);
    return {
      inviterId: input.masterId,
      invitationId: null,
      feeBps: feeBps ?? (await defaultFeeBps(tx)),
      currency: inviter.currency.code,
    };
  }
  return null;
}
