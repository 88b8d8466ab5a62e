import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { WalletBusyError } from "../../db/unavailable.ts";
import type { TokenRole } from "../../generated/prisma/enums.ts";
import { parseInput } from "../accounts/account.service.ts";
import { cashoutDecision, refusal } from "../cashout/cashout.service.ts";
import { type CashoutSettings, DEFAULT_CASHOUT_SETTINGS } from "../cashout/cashout-rules.ts";
import { DomainError } from "../errors.ts";
import { cashouts, countOutcome, payoutSettlements } from "../../metrics/domain-metrics.ts";
import { storedError } from "./idempotency-outcome.ts";
import { isStale, move } from "./movement.ts";
import { walletIdOf } from "./wallet-keys.ts";

export type PayoutResult = { payoutId: number };

/** Reads of a balance that moved before its lock, before a cashout answers 409 (another gateway keeps moving it). */
const CASHOUT_ATTEMPTS = 5;

/**
 * Cashout: the whole available balance moves to pending and a payout is REQUESTED. The
 * client sends no amount. The cashout rules (cashout-rules.ts, the preview's too) decide on
 * the balance as read; wallet_cashout then checks under the lock that it is still that balance
 * (else this reads and decides again). Nothing available is NoAvailableFundsError, a minimum or
 * missing payout details CashoutBlockedError, a role that may not ForbiddenError; a refusal
 * writes nothing but its idempotent outcome.
 */
export async function requestCashout(
  db: Database,
  accountId: number,
  options: { idempotencyKey?: string | null; role?: TokenRole; settings?: CashoutSettings } = {},
): Promise<PayoutResult> {
  const settings = options.settings ?? DEFAULT_CASHOUT_SETTINGS;
  const walletId = await walletIdOf(db, "account", accountId);
  const attempt = async (): Promise<PayoutResult> => {
    const decision = await cashoutDecision(db.prisma, accountId, options.role ?? "OWNER", settings);
    const refused = decision && refusal(decision);
    const { result } = await move<PayoutResult>(db, {
      kind: "cashout",
      args: {
        accountId,
        expectAvailable: decision ? String(decision.amount) : null,
        refusal: refused instanceof DomainError ? storedError(refused) : null,
      },
      caller: accountId,
      operation: "requestCashout",
      key: options.idempotencyKey ?? null,
      input: {},
      walletId,
    });
    return result;
  };
  return countOutcome(cashouts, async () => {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!isStale(err)) throw err;
        if (i === CASHOUT_ATTEMPTS) throw new WalletBusyError();
      }
    }
  });
}

const SettleInput = z.object({
  payoutId: z.number().int().positive(),
  status: z.enum(["PAID", "FAILED"]),
  failureCode: z.string().trim().min(1).max(100).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
});
export type SettleInput = z.input<typeof SettleInput>;

/**
 * The payment provider's verdict (wallet_settle). PAID: the amount leaves pending (internal
 * RELEASE_PENDING entry). FAILED: it returns to available with a visible reversing entry and the
 * failure code. Settling again with the same verdict is a no-op; the opposite verdict is a conflict.
 */
export async function settlePayout(db: Database, callerId: number, raw: SettleInput): Promise<PayoutResult> {
  const input = parseInput(SettleInput, raw);
  const settle = async () =>
    (
      await move<PayoutResult>(db, {
        kind: "settle",
        args: input,
        caller: callerId,
        operation: "settlePayout",
        key: input.externalId ?? `payout:${input.payoutId}:${input.status}`,
        input,
        walletId: await walletIdOf(db, "payout", input.payoutId),
      })
    ).result;
  return countOutcome(payoutSettlements, settle, () => input.status.toLowerCase());
}
