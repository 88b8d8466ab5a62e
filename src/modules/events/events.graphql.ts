import { GraphQLError } from "graphql";
import { builder } from "../../graphql/builder.ts";
import type { GraphQLContext } from "../../graphql/context.ts";
import { createLoaders } from "../../graphql/loaders.ts";
import { LedgerEntry, LedgerTypeEnum } from "../ledger/ledger.graphql.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { AccountType } from "../viewer/viewer.graphql.ts";
import { decodePosition, type EventPosition } from "./event-position.ts";
import type { EndReason, StreamItem, TransactionAdded, WalletUpdate } from "./event-stream.ts";

const EventScopeEnum = builder.enumType("EventScope", {
  description: "Whose wallets a subscription follows.",
  values: {
    VIEWER: { description: "The viewer's own wallet." },
    GROUP: {
      description:
        "A master: its own wallet and every linked child's (children linked later join, unlinked ones leave). Anyone else: its own.",
    },
  } as const,
});

const WalletEventInterface = builder.interfaceRef<WalletUpdate | TransactionAdded>("WalletEvent").implement({
  description: "What every live event carries: its id (a resume point) and whose wallet it is about.",
  resolveType: (e) => (e.kind === "walletUpdated" ? "WalletUpdatedEvent" : "TransactionAddedEvent"),
  fields: (t) => ({
    eventId: t.exposeString("eventId", {
      description: "Unique per event and ordered per wallet: de-duplicate by it, and pass it as `since` to resume after it.",
    }),
    account: t.field({
      type: AccountType,
      description: "Whose wallet moved.",
      resolve: async (e, _a, ctx) => (await ctx.loaders.accountById.load(e.accountId))!,
    }),
  }),
});

const WalletUpdatedEvent = builder.objectRef<WalletUpdate>("WalletUpdatedEvent").implement({
  description: "A wallet's buckets right after a movement.",
  interfaces: [WalletEventInterface],
  fields: (t) => ({
    available: t.field({ type: MoneyType, description: "Ready for payout.", resolve: (e) => money(e.available, e.currencyId) }),
    hold: t.field({ type: MoneyType, description: "Sales in their hold period.", resolve: (e) => money(e.hold, e.currencyId) }),
    pending: t.field({
      type: MoneyType,
      description: "Cashed out, payout in processing.",
      resolve: (e) => money(e.pending, e.currencyId),
    }),
    total: t.field({
      type: MoneyType,
      description: "available + hold + pending.",
      resolve: (e) => money(e.available + e.hold + e.pending, e.currencyId),
    }),
    cause: t.field({ type: LedgerTypeEnum, description: "What moved the money.", resolve: (e) => e.cause }),
    at: t.field({ type: "DateTime", description: "When the movement was written.", resolve: (e) => e.at }),
  }),
});

const TransactionAddedEvent = builder.objectRef<TransactionAdded>("TransactionAddedEvent").implement({
  description: "A new visible ledger entry.",
  interfaces: [WalletEventInterface],
  fields: (t) => ({
    transaction: t.field({ type: LedgerEntry, description: "The entry.", resolve: (e) => e.transaction }),
  }),
});

const END_MESSAGES: Record<EndReason, string> = {
  TOKEN_REVOKED: "The token of this subscription was revoked: the stream has ended.",
  TOKEN_EXPIRED: "The token of this subscription expired: the stream has ended.",
  SLOW_CONSUMER:
    "Events arrived faster than this client read them: the stream was dropped. Resume with `since` set to the last eventId.",
  SHUTTING_DOWN: "This gateway is shutting down: resume on another with `since` set to the last eventId.",
};

builder.subscriptionType({
  description:
    "Live events over Server-Sent Events (send `Accept: text/event-stream`). Each event has an eventId; " +
    "resume after a disconnect with `since` (or the Last-Event-ID header) and the missed entries are replayed from the ledger.",
});

const subscriptionArgs = builder.args((t) => ({
  scope: t.field({ type: EventScopeEnum, defaultValue: "VIEWER", description: "Whose wallets to follow." }),
  since: t.string({ description: "Resume after this eventId: what was written since is replayed first." }),
}));

/** `since`, else the Last-Event-ID header a reconnecting SSE client sends, else live from now. */
function resumePoint(since: string | null | undefined, request: Request | undefined): EventPosition | null {
  if (since) return decodePosition(since);
  const header = request?.headers.get("last-event-id");
  return header ? decodePosition(header, "Last-Event-ID") : null;
}

/** Each event resolves with fresh loaders: a long stream must not serve what it cached hours ago. */
function eventOf(item: StreamItem, ctx: GraphQLContext): WalletUpdate | TransactionAdded {
  if (item.kind === "ended") throw new GraphQLError(END_MESSAGES[item.reason], { extensions: { code: item.reason } });
  ctx.loaders = createLoaders(ctx.db);
  return item;
}

/**
 * A subscription field: authorised at subscribe, one stream of `kind` per client. (The two
 * event refs share the WalletEvent interface; Pothos types one ref per field, hence the cast.)
 */
function eventField(
  kind: (WalletUpdate | TransactionAdded)["kind"],
  type: typeof WalletUpdatedEvent | typeof TransactionAddedEvent,
  description: string,
) {
  builder.subscriptionField(kind, (t) =>
    t.field({
      type: type as typeof WalletUpdatedEvent,
      authScopes: { can: "wallet.read" },
      description,
      args: subscriptionArgs,
      subscribe: (_root, args, ctx) =>
        ctx.events.open({
          viewer: ctx.viewer!,
          kind,
          scope: args.scope ?? "VIEWER",
          since: resumePoint(args.since, ctx.request),
        }),
      resolve: (item: StreamItem, _args, ctx) => eventOf(item, ctx) as WalletUpdate,
    }),
  );
}

eventField(
  "walletUpdated",
  WalletUpdatedEvent,
  "The wallet's buckets after every movement (for a master with scope GROUP, each child's too).",
);
eventField(
  "transactionAdded",
  TransactionAddedEvent,
  "Every new visible transaction (for a master with scope GROUP, each child's too).",
);
