import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { TokenRole } from "../../generated/prisma/enums.ts";
import { ForbiddenError, NoAvailableFundsError } from "../errors.ts";
import { CashoutBlockedError } from "./cashout-errors.ts";
import { type CashoutDecision, type CashoutSettings, decideCashout } from "./cashout-rules.ts";

type Reader = Pick<PrismaClient | Prisma.TransactionClient, "wallet" | "payoutDetails">;

/** The decision for an account's wallet as it stands now (the preview); null without a wallet. */
export async function cashoutDecision(
  db: Reader,
  accountId: number,
  role: TokenRole,
  settings: CashoutSettings,
): Promise<CashoutDecision | null> {
  const [wallet, details] = await Promise.all([
    db.wallet.findUnique({ where: { accountId }, include: { currency: true } }),
    db.payoutDetails.findUnique({ where: { accountId } }),
  ]);
  if (!wallet) return null;
  return decideCashout({ available: wallet.available, currency: wallet.currency, role, details }, settings);
}

/** What requestCashout throws for a decision with blocks (none: it may proceed). */
export function refusal(decision: CashoutDecision): Error | null {
  const { blocks } = decision;
  if (blocks.length === 0) return null;
  const role = blocks.find((b) => b.reason === "ROLE_MAY_NOT_CASH_OUT");
  if (role) return new ForbiddenError(role.message);
  if (blocks.length === 1 && blocks[0]!.reason === "NOTHING_AVAILABLE") return new NoAvailableFundsError();
  return new CashoutBlockedError(blocks);
}
