import type { GraphQLResolveInfo } from "graphql";
import type { GraphQLContext } from "../../graphql/context.ts";
import { childFieldArguments } from "../../graphql/selection.ts";
import type { Wallet } from "../../generated/prisma/client.ts";
import { InvalidCursorError, ValidationError } from "../errors.ts";
import type { ConnectionRequest } from "../ledger/ledger-query.ts";
import { walletWithPage } from "../ledger/wallet-with-page.ts";

/**
 * The viewer's wallet. When the request asks for one page of its `transactions` (the hot read),
 * the wallet and that page come in one statement and the page waits in the request's loader for
 * the `transactions` resolver; otherwise the wallet alone, through its loader. A request the
 * page would refuse (a bad cursor, a page too large) takes the ordinary path, which answers it.
 */
export async function viewerWallet(ctx: GraphQLContext, accountId: number, info: GraphQLResolveInfo): Promise<Wallet | null> {
  const asked = childFieldArguments(info, "transactions");
  if (asked?.length !== 1) return ctx.loaders.walletByAccountId.load(accountId);
  const args = asked[0] as ConnectionRequest;
  let found: Awaited<ReturnType<typeof walletWithPage>>;
  try {
    found = await walletWithPage(ctx.db, accountId, args);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof InvalidCursorError) return ctx.loaders.walletByAccountId.load(accountId);
    throw err;
  }
  if (!found) return null;
  ctx.loaders.walletByAccountId.prime(accountId, found.wallet);
  ctx.loaders.walletById.prime(found.wallet.id, found.wallet);
  if (found.connection) ctx.loaders.walletTransactions.prime({ walletId: found.wallet.id, args }, found.connection);
  return found.wallet;
}
