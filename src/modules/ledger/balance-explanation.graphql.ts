import { builder } from "../../graphql/builder.ts";
import { ValidationError } from "../errors.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { WalletType } from "../wallet/wallet.graphql.ts";
import { type BalanceExplanation, type ExplainedEntry, explainBucket } from "./balance-explanation.ts";
import { BucketEnum, LedgerEntry, LedgerTypeEnum, PageInfo } from "./ledger.graphql.ts";
import { MAX_PAGE_SIZE } from "./ledger-query.ts";

type Entry = ExplainedEntry & { currencyId: number };

const BalanceEntryType = builder.objectRef<Entry>("BalanceEntry").implement({
  description: "One entry of a bucket: a signed amount and the bucket's balance after it.",
  fields: (t) => ({
    amount: t.field({
      type: MoneyType,
      description: "Signed: positive credits the bucket.",
      resolve: (e) => money(e.amount, e.currencyId),
    }),
    balanceAfter: t.field({
      type: MoneyType,
      description: "The bucket right after it.",
      resolve: (e) => money(e.balanceAfter, e.currencyId),
    }),
    type: t.field({ type: LedgerTypeEnum, description: "What moved the money.", resolve: (e) => e.type }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When." }),
    internal: t.boolean({
      description: "An internal leg (e.g. the hold side of a release): part of the sum, not a transaction of its own.",
      resolve: (e) => !e.visible,
    }),
    transaction: t.field({
      type: LedgerEntry,
      nullable: true,
      description: "The transaction as lists show it (null for an internal leg).",
      resolve: (e) => (e.visible ? e : null),
    }),
  }),
});

const BalanceEntryEdge = builder.objectRef<Entry>("BalanceEntryEdge").implement({
  description: "One entry and its cursor.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Opaque; bound to this wallet and bucket." }),
    node: t.field({ type: BalanceEntryType, description: "The entry.", resolve: (e) => e }),
  }),
});

const BalanceEntryConnection = builder.objectRef<BalanceExplanation>("BalanceEntryConnection").implement({
  description: "A bucket's entries, newest first.",
  fields: (t) => ({
    edges: t.field({
      type: [BalanceEntryEdge],
      description: "The page.",
      resolve: (x) => x.entries.map((e) => ({ ...e, currencyId: x.currencyId })),
    }),
    pageInfo: t.field({
      type: PageInfo,
      description: "Where this page sits.",
      resolve: (x) => ({
        hasNextPage: x.hasNextPage,
        hasPreviousPage: false,
        startCursor: x.entries[0]?.cursor ?? null,
        endCursor: x.entries.at(-1)?.cursor ?? null,
      }),
    }),
  }),
});

type Subject = { walletId: number; bucket: BalanceExplanation["bucket"]; firstPage?: Promise<BalanceExplanation> };

/** The first page's snapshot: balance and reconciles come from one read. */
const firstPage = (x: Subject, prisma: Parameters<typeof explainBucket>[0]) =>
  (x.firstPage ??= explainBucket(prisma, x.walletId, x.bucket, { first: 20 }));

const BalanceExplanationType = builder.objectRef<Subject>("BalanceExplanation").implement({
  description: "A bucket and the entries whose signed amounts sum to it.",
  fields: (t) => ({
    bucket: t.field({ type: BucketEnum, description: "Which bucket.", resolve: (x) => x.bucket }),
    balance: t.field({
      type: MoneyType,
      description: "The bucket now.",
      resolve: async (x, _a, ctx) => {
        const page = await firstPage(x, ctx.prisma);
        return money(page.balance, page.currencyId);
      },
    }),
    reconciles: t.boolean({
      description:
        "Checked at read time, in one snapshot: the bucket equals the newest entry's running balance (balance_after), each of " +
        "the newest 20 entries follows from the next older one, and when there are no more the oldest starts from zero.",
      resolve: async (x, _a, ctx) => (await firstPage(x, ctx.prisma)).reconciles,
    }),
    entries: t.field({
      type: BalanceEntryConnection,
      description: "The entries, newest first (internal legs included).",
      args: {
        first: t.arg.int({ description: `Entries per page (1-${MAX_PAGE_SIZE}).`, defaultValue: 20 }),
        after: t.arg.string({ description: "The endCursor of the previous page." }),
      },
      resolve: (x, args, ctx) => {
        const first = args.first ?? 20;
        if (first < 1 || first > MAX_PAGE_SIZE) throw ValidationError.field("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
        return explainBucket(ctx.prisma, x.walletId, x.bucket, { first, after: args.after ?? null });
      },
    }),
  }),
});

builder.objectField(WalletType, "balanceExplanation", (t) =>
  t.field({
    type: BalanceExplanationType,
    description: "Why a bucket holds what it holds: its entries (internal legs included) and a reconciliation check.",
    args: { bucket: t.arg({ type: BucketEnum, required: true, description: "AVAILABLE, HOLD or PENDING." }) },
    resolve: (wallet, args) => ({ walletId: wallet.id, bucket: args.bucket }),
  }),
);
