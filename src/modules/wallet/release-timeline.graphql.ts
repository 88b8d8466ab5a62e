import { builder } from "../../graphql/builder.ts";
import { ValidationError } from "../errors.ts";
import { LedgerEntry } from "../ledger/ledger.graphql.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { type HeldSale, type ReleaseDay, type ReleaseTimeline, releaseTimeline } from "./release-timeline.service.ts";
import { WalletType } from "./wallet.graphql.ts";

type Timeline = ReleaseTimeline & { holdPeriodDays: number; now: Date };
type Day = ReleaseDay & { currencyId: number };
type Sale = HeldSale & { currencyId: number; now: Date };

const ReleaseDayType = builder.objectRef<Day>("ReleaseDay").implement({
  description: "What becomes available on one UTC day.",
  fields: (t) => ({
    date: t.exposeString("date", { description: "The UTC date, YYYY-MM-DD." }),
    amount: t.field({
      type: MoneyType,
      description: "The sum of the sales released that day.",
      resolve: (d) => money(d.amount, d.currencyId),
    }),
    sales: t.exposeInt("sales", { description: "How many sales." }),
  }),
});

const HeldSaleType = builder.objectRef<Sale>("HeldSale").implement({
  description: "A sale still on hold, and when it becomes available.",
  fields: (t) => ({
    transaction: t.field({ type: LedgerEntry, description: "The sale.", resolve: (s) => s.row }),
    amount: t.field({
      type: MoneyType,
      description: "What it will add to available.",
      resolve: (s) => money(s.row.amount, s.currencyId),
    }),
    availableAt: t.field({
      type: "DateTime",
      description: "Sale time + hold period: the first hold-release run from then on moves it.",
      resolve: (s) => s.availableAt,
    }),
    overdue: t.boolean({
      description: "Its time has come; the next hold-release run moves it.",
      resolve: (s) => s.availableAt.getTime() <= s.now.getTime(),
    }),
  }),
});

const ReleaseTimelineType = builder.objectRef<Timeline>("ReleaseTimeline").implement({
  description: "When held money becomes available: every held sale's date, and totals per day.",
  fields: (t) => ({
    holdPeriodDays: t.exposeInt("holdPeriodDays", { description: "Days a sale stays on hold (HOLD_PERIOD_DAYS)." }),
    total: t.field({
      type: MoneyType,
      description: "All held sales (equals the hold bucket).",
      resolve: (r) => money(r.total, r.currencyId),
    }),
    days: t.field({
      type: [ReleaseDayType],
      description: "Totals per UTC day of release, oldest first; every held sale is in one.",
      resolve: (r) => r.days.map((d) => ({ ...d, currencyId: r.currencyId })),
    }),
    sales: t.field({
      type: [HeldSaleType],
      description: "The held sales by release time (the first `first` of them).",
      resolve: (r) => r.sales.map((s) => ({ ...s, currencyId: r.currencyId, now: r.now })),
    }),
  }),
});

builder.objectField(WalletType, "upcomingReleases", (t) =>
  t.field({
    type: ReleaseTimelineType,
    description: "When the money on hold becomes available, consistent with what hold-release will do.",
    args: { first: t.arg.int({ description: "How many held sales to list (1-100).", defaultValue: 20 }) },
    resolve: async (wallet, args, ctx) => {
      const first = args.first ?? 20;
      if (first < 1 || first > 100) throw ValidationError.field("first", "must be between 1 and 100");
      const timeline = await releaseTimeline(ctx.prisma, wallet, ctx.holdPeriodDays, first);
      return { ...timeline, holdPeriodDays: ctx.holdPeriodDays, now: new Date() };
    },
  }),
);
