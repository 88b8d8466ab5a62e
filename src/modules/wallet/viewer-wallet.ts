import type { GraphQLResolveInfo } from "graphql";
import type { GraphQLContext } from "../../graphql/context.ts";
import { childFieldArguments } from "../../graphql/selection.ts";
import type { Wallet } from "../../generated/prisma/client.ts";
import { InvalidCursorError, ValidationError } from "../errors.ts";
import type { ConnectionRequest } from "../ledger/ledger-query.ts";
import type { NumberedPageArgs } from "../ledger/numbered-page.ts";
import { walletWithNumberedPage, walletWithPage } from "../ledger/wallet-with-page.ts";

/**
 * The viewer's wallet. When the request asks for one page of its entries, `transactions` or
 * `transactionPage` (the hot reads), the wallet and that page come in one statement and the
 * page waits in the request's loader for its resolver; otherwise the wallet alone, through its
 * loader. A request the page would refuse (a bad cursor, a page too large) takes the ordinary
 * path, which answers it.
 */
export async function viewerWallet(ctx: GraphQLContext, accountId: number, info: GraphQLResolveInfo): Promise<Wallet | null> {
  const connections = childFieldArguments(info, "transactions");
  const pages = childFieldArguments(info, "transactionPage");
  if (connections?.length === 1 && pages?.length === 0)
    return withConnection(ctx, accountId, connections[0] as ConnectionRequest);
  if (pages?.length === 1 && connections?.length === 0) return withNumberedPage(ctx, accountId, pages[0] as NumberedPageArgs);
  return ctx.loaders.walletByAccountId.load(accountId);
}

async function withConnection(ctx: GraphQLContext, accountId: number, args: ConnectionRequest): Promise<Wallet | null> {
  let found: Awaited<ReturnType<typeof walletWithPage>>;
  try {
    found = await walletWithPage(ctx.db, accountId, args);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof InvalidCursorError) return ctx.loaders.walletByAccountId.load(accountId);
    throw err;
  }
  if (!found) return null;
  if (found.connection) ctx.loaders.walletTransactions.prime({ walletId: found.wallet.id, args }, found.connection);
  return primed(ctx, accountId, found.wallet);
}

async function withNumberedPage(ctx: GraphQLContext, accountId: number, args: NumberedPageArgs): Promise<Wallet | null> {
  let found: Awaited<ReturnType<typeof walletWithNumberedPage>>;
  try {
    found = await walletWithNumberedPage(ctx.db, accountId, args);
  } catch (err) {
    if (err instanceof ValidationError) return ctx.loaders.walletByAccountId.load(accountId);
    throw err;
  }
  if (!found) return null;
  ctx.loaders.walletPage.prime({ walletId: found.wallet.id, args }, found.page);
  return primed(ctx, accountId, found.wallet);
}

function primed(ctx: GraphQLContext, accountId: number, wallet: Wallet): Wallet {
  ctx.loaders.walletByAccountId.prime(accountId, wallet);
  ctx.loaders.walletById.prime(wallet.id, wallet);
  return wallet;
}
