import type { Prisma } from "../../generated/prisma/client.ts";
import { NotFoundError } from "../errors.ts";

export async function walletOfAccount(tx: Prisma.TransactionClient, accountId: number) {
  const wallet = await tx.wallet.findUnique({ where: { accountId } });
  if (!wallet) throw new NotFoundError(`Account ${accountId} has no wallet`);
  return wallet;
}
