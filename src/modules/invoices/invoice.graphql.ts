import { builder } from "../../graphql/builder.ts";
import { safeMinorUnits } from "../../graphql/money.ts";
import { CurrencyType } from "../viewer/viewer.graphql.ts";

export const InvoiceType = builder.prismaObject("Invoice", {
  description: "An invoice whose payment lands in the ledger as entries referencing it.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    status: t.exposeString("status"),
    description: t.exposeString("description", { nullable: true }),
    hostedInvoiceUrl: t.exposeString("hostedInvoiceUrl", { nullable: true }),
    total: t.field({ type: "SafeInt", description: "Minor units.", resolve: (i) => safeMinorUnits(i.total) }),
    paymentMethod: t.exposeString("paymentMethod", { nullable: true }),
    paidAt: t.expose("paidAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    currency: t.field({
      type: CurrencyType,
      resolve: async (i, _args, ctx) => (await ctx.loaders.currencyById.load(i.currencyId))!,
    }),
  }),
});
