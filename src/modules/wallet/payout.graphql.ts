import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { CurrencyType } from "../viewer/viewer.graphql.ts";

export const PayoutStatusEnum = builder.enumType("PayoutStatus", {
  description: "Where a payout stands.",
  values: {
    REQUESTED: { description: "Cashed out; the money waits in pending." },
    PAID: { description: "The provider paid it; the money left pending." },
    FAILED: { description: "The provider refused it; the money went back to available." },
  } as const,
});

export const PayoutType = builder.prismaObject("Payout", {
  interfaces: [NodeInterface],
  description: "A cashout of a wallet's whole available balance, settled later by the payment provider.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Payout")),
    amount: t.field({
      type: MoneyType,
      description: "The whole available balance at the cashout.",
      resolve: (p) => money(p.amount, p.currencyId),
    }),
    status: t.expose("status", { description: "REQUESTED, PAID or FAILED.", type: PayoutStatusEnum }),
    failureCode: t.exposeString("failureCode", { description: "Why the provider refused it (FAILED only).", nullable: true }),
    requestedAt: t.expose("requestedAt", { description: "When the creator cashed out.", type: "DateTime" }),
    settledAt: t.expose("settledAt", { description: "When the provider answered.", type: "DateTime", nullable: true }),
    currency: t.field({
      description: "The currency of the amount.",
      type: CurrencyType,
      resolve: async (p, _args, ctx) => (await ctx.loaders.currencyById.load(p.currencyId))!,
    }),
  }),
});
