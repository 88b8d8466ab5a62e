import { builder } from "../../graphql/builder.ts";
import { LedgerTypeEnum } from "../ledger/ledger.graphql.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { AccountType, CurrencyType, Viewer } from "../viewer/viewer.graphql.ts";
import {
  type AccountStatement,
  type BalanceStatement,
  monthlyStatement,
  reconciles,
  type Statement,
  type StatementLine,
} from "./statement.service.ts";

type Line = StatementLine & { currencyId: number };

const StatementLineType = builder.objectRef<Line>("StatementLine").implement({
  description: "What one category of movements added to (or took from) the balance in the month.",
  fields: (t) => ({
    category: t.field({ type: LedgerTypeEnum, description: "The kind of movement.", resolve: (l) => l.category }),
    amount: t.field({
      type: MoneyType,
      description: "Net: positive for credits, negative for debits.",
      resolve: (l) => money(l.amount, l.currencyId),
    }),
  }),
});

const lines = (s: BalanceStatement, which: "credits" | "debits") => s[which].map((l) => ({ ...l, currencyId: s.currencyId }));

const BalanceStatementInterface = builder.interfaceRef<BalanceStatement>("BalanceStatement").implement({
  description: "A month of one balance (available + hold + pending) in one currency.",
  fields: (t) => ({
    currency: t.field({
      type: CurrencyType,
      description: "The currency of every amount here.",
      resolve: async (s, _a, ctx) => (await ctx.loaders.currencyById.load(s.currencyId))!,
    }),
    opening: t.field({
      type: MoneyType,
      description: "The balance when the month began.",
      resolve: (s) => money(s.opening, s.currencyId),
    }),
    credits: t.field({ type: [StatementLineType], description: "Money in, by category.", resolve: (s) => lines(s, "credits") }),
    debits: t.field({ type: [StatementLineType], description: "Money out, by category.", resolve: (s) => lines(s, "debits") }),
    closing: t.field({
      type: MoneyType,
      description: "The balance when the month ended.",
      resolve: (s) => money(s.closing, s.currencyId),
    }),
    reconciles: t.boolean({ description: "opening + credits + debits = closing, exactly.", resolve: (s) => reconciles(s) }),
  }),
});

const AccountStatementType = builder.objectRef<AccountStatement>("AccountStatement").implement({
  description: "One account's month.",
  interfaces: [BalanceStatementInterface],
  isTypeOf: (s) => typeof s === "object" && s !== null && "accountId" in s,
  fields: (t) => ({
    account: t.field({
      type: AccountType,
      description: "The account.",
      resolve: async (s, _a, ctx) => (await ctx.loaders.accountById.load(s.accountId))!,
    }),
  }),
});

const CurrencyStatementType = builder.objectRef<BalanceStatement>("CurrencyStatement").implement({
  description: "The month of every account in one currency, added up.",
  interfaces: [BalanceStatementInterface],
  isTypeOf: (s) => typeof s === "object" && s !== null && !("accountId" in s),
  fields: () => ({}),
});

const StatementType = builder.objectRef<Statement>("Statement").implement({
  description: "A monthly statement (UTC month): per account and per currency, never mixing currencies.",
  fields: (t) => ({
    month: t.exposeString("month", { description: "YYYY-MM." }),
    from: t.expose("from", { type: "DateTime", description: "The month's first instant (inclusive)." }),
    to: t.expose("to", { type: "DateTime", description: "The next month's first instant (exclusive)." }),
    accounts: t.field({
      type: [AccountStatementType],
      description: "Each account, the viewer first.",
      resolve: (s) => s.accounts,
    }),
    totalsByCurrency: t.field({
      type: [CurrencyStatementType],
      description: "The accounts added up per currency.",
      resolve: (s) => s.totalsByCurrency,
    }),
  }),
});

const StatementScopeEnum = builder.enumType("StatementScope", {
  description: "Whose month a statement covers.",
  values: {
    ACCOUNT: { description: "The viewer's account." },
    GROUP: { description: "A master and every linked child (anyone else: only itself)." },
  } as const,
});

builder.objectField(Viewer, "statement", (t) =>
  t.field({
    type: StatementType,
    authScopes: { can: "wallet.read" },
    description: "The monthly statement: opening balance, credits and debits by category, closing balance, per currency.",
    args: {
      month: t.arg.string({ required: true, description: "YYYY-MM (UTC)." }),
      scope: t.arg({
        type: StatementScopeEnum,
        defaultValue: "ACCOUNT",
        description: "The viewer's account, or its agency group.",
      }),
    },
    resolve: (viewer, args, ctx) => monthlyStatement(ctx.prisma, viewer.accountId, args.month, args.scope ?? "ACCOUNT"),
  }),
);
