import { builder } from "../../graphql/builder.ts";
import type { GraphQLContext } from "../../graphql/context.ts";
import { safeMinorUnits } from "../../graphql/money.ts";
import { formatMoney } from "../report/money-format.ts";
import { CurrencyType } from "../viewer/viewer.graphql.ts";
import { knownCurrency, rememberCurrency } from "../wallet/wallet-keys.ts";

import { type MoneyValue, money } from "./money.ts";

export { type MoneyValue, money };

export const MoneyType = builder.objectRef<MoneyValue>("Money").implement({
  description: "An exact amount: an integer number of minor units of one currency (never a float).",
  fields: (t) => ({
    amount: t.field({
      type: "SafeInt",
      description: "Minor units (cents for USD): 12345 is 123.45 in a 2-decimal currency.",
      resolve: (m) => safeMinorUnits(m.minor),
    }),
    currency: t.field({
      type: CurrencyType,
      description: "The currency the minor units are of.",
      resolve: async (m, _a, ctx) => (await ctx.loaders.currencyById.load(m.currencyId))!,
    }),
    formatted: t.string({
      description: 'For people: the symbol and the exact decimal, e.g. "-$1,234.50".',
      resolve: async (m, _a, ctx) => formatMoney(m.minor, (await ctx.loaders.currencyById.load(m.currencyId))!),
    }),
  }),
});

/** The currency of a wallet: known to the process once seen (it never changes), else through the request's loaders. */
export async function walletCurrencyId(ctx: Pick<GraphQLContext, "loaders" | "db">, walletId: number): Promise<number> {
  const known = knownCurrency(ctx.db, walletId);
  if (known !== undefined) return known;
  const { currencyId } = (await ctx.loaders.walletById.load(walletId))!;
  rememberCurrency(ctx.db, walletId, currencyId);
  return currencyId;
}
